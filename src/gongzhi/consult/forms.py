from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Choice, Gathering, LegalOpinion, MeetingForm, Participant, Vote
from .services import QUESTION_CATEGORIES

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXTAREA = forms.Textarea(attrs={"rows": 4})

QUESTION_CATEGORY_LABELS = {
    "family": _("婚姻家庭"),
    "neighbour": _("邻里纠纷"),
    "property": _("物业与房屋"),
    "labour": _("劳动就业"),
    "contract": _("合同与借贷"),
    "other": _("其他"),
}


class TopicForm(forms.Form):
    title = forms.CharField(label=_("议题"), max_length=120)
    body = forms.CharField(label=_("内容与理由"), max_length=4000, widget=TEXTAREA)


class ScreenForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("审查结论"),
        choices=[("accept", _("立项协商")), ("merge", _("并入其他议题")), ("reject", _("不予立项"))],
    )
    reason = forms.CharField(label=_("审查意见"), max_length=2000, widget=TEXTAREA)
    merge_into = forms.IntegerField(label=_("并入议题编号"), required=False, min_value=1)


class MeetingConveneForm(forms.Form):
    form = forms.ChoiceField(label=_("协商形式"), choices=MeetingForm.choices)
    title = forms.CharField(label=_("会议名称"), max_length=120)
    notice = forms.CharField(label=_("会议通知"), max_length=4000, widget=TEXTAREA)
    starts_at = forms.DateTimeField(label=_("召开时间"), widget=DATETIME)
    place = forms.CharField(label=_("地点"), max_length=120)
    topics = forms.TypedMultipleChoiceField(label=_("议题"), coerce=int, required=False, choices=[])
    agenda = forms.CharField(
        label=_("其他议程"), required=False, max_length=2000, widget=TEXTAREA, help_text=_("每行一项")
    )
    open_registration = forms.BooleanField(label=_("居民可自行报名"), required=False, initial=True)


class InviteForm(forms.Form):
    name = forms.CharField(label=_("居民姓名"), max_length=40)
    role = forms.ChoiceField(
        label=_("身份"),
        choices=[(Participant.Role.INVITEE, _("受邀人")), (Participant.Role.REPRESENTATIVE, _("居民代表"))],
    )


class AttendForm(forms.Form):
    participant = forms.TypedChoiceField(label=_("参会人员"), coerce=int, required=False, choices=[])
    name = forms.CharField(
        label=_("或：现场到会人员姓名"), max_length=60, required=False, help_text=_("本社区居民请填写登记的姓名")
    )
    attended = forms.ChoiceField(label=_("出席情况"), choices=[("1", _("出席")), ("0", _("缺席"))], initial="1")


class StatementForm(forms.Form):
    participant = forms.TypedChoiceField(label=_("发言人"), coerce=int, required=False, choices=[])
    speaker = forms.CharField(label=_("或：其他发言人"), max_length=60, required=False)
    agenda_item = forms.TypedChoiceField(label=_("议程"), coerce=int, required=False, choices=[])
    text = forms.CharField(label=_("发言要点"), max_length=4000, widget=TEXTAREA)


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("会议纪要"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8}))


class VoteOpenForm(forms.Form):
    question = forms.CharField(label=_("表决事项"), max_length=200)
    description = forms.CharField(label=_("说明"), max_length=4000, required=False, widget=TEXTAREA)
    method = forms.ChoiceField(label=_("表决方式"), choices=Vote.Method.choices)
    electorate = forms.ChoiceField(label=_("表决范围"), choices=Vote.Electorate.choices)
    secret = forms.BooleanField(label=_("无记名投票"), required=False)
    quorum = forms.ChoiceField(label=_("参加人数要求"), choices=Vote.Quorum.choices)
    quorum_num = forms.IntegerField(label=_("自定义参加比例分子"), required=False, min_value=1, max_value=1000)
    quorum_den = forms.IntegerField(label=_("自定义参加比例分母"), required=False, min_value=1, max_value=1000)
    majority = forms.ChoiceField(label=_("通过比例"), choices=Vote.Majority.choices)
    majority_num = forms.IntegerField(label=_("自定义通过比例分子"), required=False, min_value=1, max_value=1000)
    majority_den = forms.IntegerField(label=_("自定义通过比例分母"), required=False, min_value=1, max_value=1000)
    base = forms.ChoiceField(label=_("计算基数"), choices=Vote.Base.choices)
    complex = forms.TypedChoiceField(label=_("小区（业主共同决定）"), coerce=int, required=False, choices=[])
    major_278 = forms.BooleanField(
        label=_("属于民法典第二百七十八条第一款第六至八项事项（须四分之三同意）"), required=False
    )
    closes_at = forms.DateTimeField(label=_("截止时间"), widget=DATETIME)


class BallotForm(forms.Form):
    choice = forms.ChoiceField(label=_("您的意见"), choices=Choice.choices, widget=forms.RadioSelect)


class OnSiteForm(forms.Form):
    elector = forms.TypedChoiceField(label=_("表决权人"), coerce=int, choices=[])
    choice = forms.ChoiceField(label=_("意见"), choices=Choice.choices)


class DecisionForm(forms.Form):
    title = forms.CharField(label=_("决定事项"), max_length=160)
    body = forms.CharField(label=_("决定内容"), max_length=8000, widget=TEXTAREA)
    is_major = forms.BooleanField(label=_("重大事项（须法律顾问出具书面意见）"), required=False)
    vote = forms.TypedChoiceField(label=_("依据的表决"), coerce=int, required=False, choices=[])
    topic = forms.TypedChoiceField(label=_("议题"), coerce=int, required=False, choices=[])


class OpinionForm(forms.Form):
    conclusion = forms.ChoiceField(label=_("结论"), choices=LegalOpinion.Conclusion.choices)
    basis = forms.CharField(label=_("法律依据与理由"), max_length=8000, widget=TEXTAREA)
    conditions = forms.CharField(label=_("条件"), max_length=4000, required=False, widget=TEXTAREA)


class AdoptForm(forms.Form):
    override_reason = forms.CharField(
        label=_("不采纳法律意见的理由"),
        max_length=4000,
        required=False,
        widget=TEXTAREA,
        help_text=_("仅在法律顾问认为不合规时填写；将报告街道办事处"),
    )


class ProgressForm(forms.Form):
    percent = forms.IntegerField(label=_("完成百分比"), min_value=0, max_value=100)
    note = forms.CharField(label=_("进展情况"), max_length=4000, widget=TEXTAREA)


class FeedbackForm(forms.Form):
    summary = forms.CharField(label=_("反馈说明"), max_length=4000, widget=TEXTAREA)


class QuestionForm(forms.Form):
    category = forms.ChoiceField(
        label=_("类别"), choices=[(c, QUESTION_CATEGORY_LABELS[c]) for c in QUESTION_CATEGORIES]
    )
    question = forms.CharField(label=_("问题"), max_length=4000, widget=TEXTAREA)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复"), max_length=8000, widget=TEXTAREA)


class AlertForm(forms.Form):
    response = forms.CharField(label=_("处理意见"), max_length=4000, widget=TEXTAREA)


class GatheringForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类型"), choices=[(k.value, k.label) for k in Gathering.Kind if k != Gathering.Kind.MEETING]
    )
    title = forms.CharField(label=_("名称"), max_length=120)
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=DATETIME)
    place = forms.CharField(label=_("地点"), max_length=120, required=False)
    capacity = forms.IntegerField(label=_("名额"), required=False, min_value=1)
