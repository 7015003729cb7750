"""Follow-up turns borrow the topic of the previous question; conversations kept by id."""
from assistant.conversation import ConversationStore, Turn, retrieval_query

HISTORY = [Turn("user", "公司不给交社保怎么办"), Turn("assistant", "根据《中华人民共和国社会保险法》……")]


def test_follow_up_uses_previous_question():
    assert retrieval_query("那试用期呢？", HISTORY) == "公司不给交社保怎么办 那试用期呢？"
    assert retrieval_query("如果是公务员呢", HISTORY).startswith("公司不给交社保怎么办")


def test_standalone_question_is_left_alone():
    question = "用人单位超过一个月没有和劳动者订立书面劳动合同要承担什么责任"
    assert retrieval_query(question, HISTORY) == question
    assert retrieval_query("那试用期呢？", []) == "那试用期呢？"


def test_store_keeps_turns_by_id_and_forgets_the_oldest():
    store = ConversationStore(capacity=2, max_turns=4)
    first = store.append(None, "问题一", "回答一")
    assert store.history(first) == [Turn("user", "问题一"), Turn("assistant", "回答一")]
    for i in range(3):
        store.append(first, f"追问{i}", f"回答{i}")
    assert [t.content for t in store.history(first)] == ["追问1", "回答1", "追问2", "回答2"]
    store.append(None, "b", "b")
    store.append(None, "c", "c")
    assert store.history(first) == []  # capacity 2: the first conversation is gone
