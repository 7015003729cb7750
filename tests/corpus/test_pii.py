from corpus.pii import mask_pii


def test_masks_id_cards_and_phones():
    text = "我叫张三，身份证430102199003071234，电话13812345678，座机0731-84567890。"
    masked = mask_pii(text)
    assert "430102199003071234" not in masked and "430102************" in masked
    assert "13812345678" not in masked and "138****5678" in masked
    assert "84567890" not in masked
    assert mask_pii("身份证号43010219900307123X") == "身份证号430102************"
    assert mask_pii("+86 138-2468-1357") == "+86 138****1357"


def test_leaves_ordinary_numbers_alone():
    text = "2019年4月10日，共收取停车费4.23元，合同编号20190410，面积120平方米。"
    assert mask_pii(text) == text
    assert mask_pii(None) is None


def test_masks_bank_cards_that_pass_luhn():
    assert mask_pii("工资卡6222021234567890128被冻结") == "工资卡6222***********0128被冻结"
    assert mask_pii("卡号 6222 0212 3456 7890 128") == "卡号 6222***********0128"
    assert mask_pii("订单号1234567890123456") == "订单号1234567890123456"  # fails Luhn: not a card
