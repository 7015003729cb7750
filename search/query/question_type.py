"""What kind of answer a question wants (问题类型), and which sentences of an article give it.

A citizen asking 多久/几天/期限 wants a time limit, 多少/赔多少/几倍 an amount, 怎么罚/什么后果 the
consequence, 怎么办/去哪里 the remedy and where to turn, 能不能/可以吗 a yes or no that an
article's 应当/不得/有权 decides. The patterns below say which sentences carry each kind.
"""
from __future__ import annotations

import re

ANSWER_TYPES = ("time", "amount", "remedy", "consequence", "yes_no", "other")

_NUM = "[零〇一二两三四五六七八九十百千万0-9０-９]+"
# Checked in this order: "多少年/几天" is a time before it is an amount.
QUESTION_PATTERNS = {
    "time": re.compile(r"多久|多长时间|几天|几日|几个月|几年|多少天|多少年|多少个?月|期限|时效|时间限制|"
                       r"什么时候|何时|来得及|最晚|截止|期间|冷静期|多长|时间要求"),
    "amount": re.compile(r"多少|几倍|赔多少|补多少|怎么分|如何分|标准|金额|起征点|哪些补偿|怎么算|比例"),
    "remedy": re.compile(r"怎么办|如何维权|怎么维权|去哪|哪里|找谁|向谁|投诉|途径|办法|怎么解决|如何解决|救济|"
                         r"怎么处理才|该怎么做|保护自己"),
    "consequence": re.compile(r"处罚|后果|什么责任|承担责任|担责|怎么罚|会被|判几年|罚款|处理"),
    "yes_no": re.compile(r"能不能|可不可以|是不是|算不算|有没有|是否|吗[？?]?$|吗|对吗|合法|违法|必须|有权"),
}
# What a sentence that answers each type carries.
SENTENCE_PATTERNS = {
    "time": re.compile(rf"{_NUM}(个)?(日|天|个?月|周年|年|小时|个?工作日)"),  # a quantity, not just 期间
    "amount": re.compile(rf"{_NUM}(倍|元|%|％)|百分之|倍|标准|工资|补偿|份额|均等|一半|费用|补助|赔偿金"),
    "remedy": re.compile(r"申请|仲裁|起诉|人民法院|投诉|举报|复议|诉讼|调解|保护令|委员会|12315|主管部门|"
                         r"监督管理部门|请求"),
    "consequence": re.compile(r"责任|处罚|罚款|吊销|拘留|赔偿|加处|滞纳金|追究|处分|没收|有期徒刑"),
    "yes_no": re.compile(r"不得|应当|可以|有权|禁止|无需|不予|不影响|必须|无权"),
}


# A share of people or votes (过半数, 三分之二以上) is also the amount a 多少人同意 question asks for.
# The lead sentence reads it; the deciding stage's article kinds (search/ranking/law_articles.py,
# which read SENTENCE_PATTERNS) do not: with it there, the stage's out-of-fold gold@3 on STARD train
# fell 0.625 -> 0.610 and STARD dev R@10 0.777 -> 0.748 (session 15).
SHARE = re.compile(r"过半数|半数以上|[一二三四五六七八九十]分之[一二三四五六七八九十]")


_CLAUSE = re.compile(r"[，,。？?！!；;\s]+")


def question_type(question: str) -> str:
    """The answer type the question's last asking clause wants (the first matching pattern
    there), or `other`. A citizen tells the story first and asks last: in "网购的电饭煲用了几天
    就冒烟，卖家联系不上，我还能找谁赔？" the 几天 is the story, 找谁 the question."""
    for clause in reversed([c for c in _CLAUSE.split(question.strip()) if c]):
        for name, pattern in QUESTION_PATTERNS.items():
            if pattern.search(clause):
                return name
    return "other"


def answers_type(sentence: str, kind: str) -> bool:
    """Whether `sentence` carries what a question of `kind` asks for."""
    pattern = SENTENCE_PATTERNS.get(kind)
    return bool(pattern and pattern.search(sentence)) or (kind == "amount" and bool(SHARE.search(sentence)))
