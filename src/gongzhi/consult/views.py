"""Pages of the consult domain: topics and support, screening, meetings (agenda, attendance, deliberation record,
minutes), votes (ballot, results), decisions (legal opinion, adoption, implementation, feedback), gatherings, legal
questions and the street office's alerts."""

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.forms import ChoiceField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gongzhi.core.access import allowed, signed_in
from gongzhi.core.errors import NotFound, ServiceError
from gongzhi.core.scope import within
from gongzhi.residents.models import Resident
from gongzhi.territory.models import Division, Level, ResidentialComplex

from . import forms, selectors, services
from .models import (
    Decision,
    Gathering,
    LegalQuestion,
    Meeting,
    Participant,
    Participation,
    StreetAlert,
    Topic,
    Vote,
)
from .permissions import policy

PAGE = 30


def _slice(request: HttpRequest, qs: QuerySet[Any]) -> dict[str, Any]:
    """A page without COUNT(*): the next offset is offered only when one more row exists."""
    try:
        offset = max(0, min(int(request.GET.get("offset", "0")), 100_000))
    except ValueError:
        offset = 0
    rows = list(qs[offset : offset + PAGE + 1])
    return {
        "items": rows[:PAGE],
        "next_offset": offset + PAGE if len(rows) > PAGE else None,
        "prev_offset": max(0, offset - PAGE) if offset else None,
    }


def community_for(user: Any, action: str) -> Division | None:
    """The community the user acts in for `action`: their own resident record's, or the first grant's."""
    resident = services.resident_of(user)
    roots = policy.roots(user, action)
    if resident is not None and within(resident.scope_path, roots):
        return Division.objects.get(pk=resident.community_id)
    for root in sorted(roots, key=len, reverse=True):
        if len(root) >= 12:
            return Division.objects.filter(path=root[:12], level=Level.COMMUNITY).first()
    return None


def _set_choices(form: Any, name: str, choices: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, ChoiceField)
    field.choices = choices


def _get(qs: QuerySet[Any], request: HttpRequest, pk: int, action: str = "view") -> Any:
    return policy.get(request.user, action, qs, pk=pk)


def _fail(request: HttpRequest, exc: ServiceError, form: Any = None) -> None:
    if form is not None:
        exc.to_form(form)
    else:
        messages.error(request, str(exc.message))


# ---- topics ----


@allowed(policy, "view")
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    """议题: the list with supports, and the form to raise one."""
    community = community_for(request.user, "raise_topic")
    can_raise = community is not None and policy.allows(request.user, "raise_topic")
    form = forms.TopicForm(request.POST or None)
    if request.method == "POST" and can_raise and form.is_valid():
        assert community is not None
        try:
            topic = services.topic_raise(actor=request.user, community=community, **form.cleaned_data)
        except ServiceError as exc:
            exc.to_form(form)
        else:
            messages.success(request, _("议题已提出。"))
            return redirect("consult:topic", pk=topic.pk)
    status = request.GET.get("status") or None
    if status not in Topic.Status.values:
        status = None
    return render(
        request,
        "consult/home.html",
        {
            "page": _slice(request, selectors.topic_list(viewer=request.user, status=status)),
            "statuses": Topic.Status.choices,
            "status": status,
            "form": form,
            "can_raise": can_raise,
        },
        status=400 if form.errors else 200,
    )


@allowed(policy, "view")
@require_http_methods(["GET", "POST"])
def topic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _get(Topic.objects.all(), request, pk)
    screen_form = forms.ScreenForm(request.POST if request.POST.get("step") == "screen" else None)
    can_screen = topic.status == Topic.Status.QUALIFIED and policy.can(request.user, "screen_topic", topic)
    resident = services.resident_of(request.user)
    supported = resident is not None and topic.supports.filter(resident=resident).exists()
    can_support = (
        policy.can(request.user, "support_topic", topic)
        and topic.status in (Topic.Status.COLLECTING, Topic.Status.QUALIFIED)
        and not supported
    )
    if request.method == "POST":
        step = request.POST.get("step")
        try:
            if step == "support":
                services.topic_support(actor=request.user, topic=topic)
                messages.success(request, _("已支持该议题。"))
                return redirect("consult:topic", pk=pk)
            if step == "screen" and screen_form.is_valid():
                data = screen_form.cleaned_data
                target = None
                if data["outcome"] == "merge" and data.get("merge_into"):
                    target = selectors.topic_list(viewer=request.user).filter(pk=data["merge_into"]).first()
                services.topic_screen(
                    actor=request.user, topic=topic, outcome=data["outcome"], reason=data["reason"], merge_into=target
                )
                return redirect("consult:topic", pk=pk)
        except ServiceError as exc:
            _fail(request, exc, screen_form if step == "screen" else None)
    return render(
        request,
        "consult/topic.html",
        {
            "topic": topic,
            "meetings": topic.meetings.all(),
            "decisions": topic.decisions.all(),
            "supported": supported,
            "can_support": can_support,
            "can_screen": can_screen,
            "screen_form": screen_form,
            "percent": min(100, topic.support_count * 100 // max(1, topic.threshold)),
        },
        status=400 if screen_form.errors else 200,
    )


# ---- meetings ----


@allowed(policy, "view")
@require_http_methods(["GET", "POST"])
def meetings(request: HttpRequest) -> HttpResponse:
    community = community_for(request.user, "convene")
    can_convene = community is not None and policy.allows(request.user, "convene")
    form = forms.MeetingConveneForm(request.POST or None)
    if can_convene:
        _set_choices(
            form,
            "topics",
            [
                (t.pk, t.title)
                for t in selectors.topic_list(viewer=request.user, status=Topic.Status.ACCEPTED).filter(
                    community=community
                )[:100]
            ],
        )
    if request.method == "POST" and can_convene and form.is_valid():
        assert community is not None
        data = form.cleaned_data
        topics = list(Topic.objects.filter(pk__in=data["topics"], community=community))
        try:
            meeting = services.meeting_convene(
                actor=request.user,
                community=community,
                form=data["form"],
                title=data["title"],
                notice=data["notice"],
                starts_at=data["starts_at"],
                place=data["place"],
                topics=topics,
                agenda=[line for line in data["agenda"].splitlines() if line.strip()],
                open_registration=data["open_registration"],
            )
        except ServiceError as exc:
            exc.to_form(form)
        else:
            return redirect("consult:meeting", pk=meeting.pk)
    return render(
        request,
        "consult/meetings.html",
        {
            "page": _slice(request, selectors.meeting_list(viewer=request.user)),
            "form": form,
            "can_convene": can_convene,
            "notice_days": services.NOTICE_WORKING_DAYS,
        },
        status=400 if form.errors else 200,
    )


def _find_resident(meeting_or_gathering: Any, name: str) -> Resident:
    matches = list(Resident.objects.filter(community_id=meeting_or_gathering.community_id, name=name.strip())[:2])
    if not matches:
        raise ServiceError(_("本社区没有登记名为“%(n)s”的居民。") % {"n": name}, fields={"name": _("未找到")})
    if len(matches) > 1:
        raise ServiceError(
            _("本社区有多名居民叫“%(n)s”，请到居民信息中核对后再登记。") % {"n": name}, fields={"name": _("重名")}
        )
    return matches[0]


@allowed(policy, "view")
@require_http_methods(["GET", "POST"])
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get(Meeting.objects.select_related("gathering", "community"), request, pk)
    gathering = meeting.gathering
    step = request.POST.get("step", "")
    can_record = meeting.status not in (Meeting.Status.CLOSED, Meeting.Status.CANCELLED) and policy.can(
        request.user, "record_meeting", meeting
    )
    can_vote = can_record and policy.can(request.user, "open_vote", meeting)
    participants = list(selectors.attendance(gathering))
    invite_form = forms.InviteForm(request.POST if step == "invite" else None, prefix="invite")
    attend_form = forms.AttendForm(request.POST if step == "attend" else None, prefix="attend")
    _set_choices(
        attend_form,
        "participant",
        [("", "—")] + [(p.pk, f"{p.name}（{p.get_role_display()}·{p.get_status_display()}）") for p in participants],
    )
    statement_form = forms.StatementForm(request.POST if step == "statement" else None, prefix="statement")
    _set_choices(
        statement_form,
        "participant",
        [("", "—")] + [(p.pk, p.name) for p in participants if p.status == Participant.Status.ATTENDED],
    )
    agenda = list(meeting.agenda.all())
    _set_choices(statement_form, "agenda_item", [("", "—")] + [(a.pk, f"{a.position}. {a.title}") for a in agenda])
    vote_form = _vote_form(request, step == "vote", meeting.community, prefix="vote")
    minutes_form = forms.MinutesForm(request.POST if step == "minutes" else None)
    mine = next((p for p in participants if p.user_id == request.user.pk), None)
    can_register = (
        policy.can(request.user, "register", meeting)
        and meeting.status == Meeting.Status.NOTICED
        and (mine is None or mine.status == Participant.Status.INVITED)
    )
    if request.method == "POST":
        try:
            if step == "register" and can_register:
                services.gathering_register(actor=request.user, gathering=gathering)
                messages.success(request, _("报名成功。"))
                return redirect("consult:meeting", pk=pk)
            if step == "invite" and can_record and invite_form.is_valid():
                invitee = _find_resident(meeting, invite_form.cleaned_data["name"])
                services.gathering_invite(
                    actor=request.user,
                    gathering=gathering,
                    residents=[invitee],
                    role=invite_form.cleaned_data["role"],
                )
                return redirect("consult:meeting", pk=pk)
            if step == "attend" and can_record and attend_form.is_valid():
                data = attend_form.cleaned_data
                participant = next((p for p in participants if p.pk == data.get("participant")), None)
                resident: Resident | None = None
                name = data.get("name", "")
                if participant is None and name:
                    resident = Resident.objects.filter(community_id=meeting.community_id, name=name.strip()).first()
                if participant is None and not name:
                    raise ServiceError(_("请选择参会人员或填写姓名。"), fields={"participant": _("必填")})
                services.gathering_attend(
                    actor=request.user,
                    gathering=gathering,
                    participant=participant,
                    resident=resident,
                    name=name,
                    attended=data["attended"] == "1",
                )
                return redirect("consult:meeting", pk=pk)
            if step == "statement" and can_record and statement_form.is_valid():
                data = statement_form.cleaned_data
                services.meeting_record_statement(
                    actor=request.user,
                    meeting=meeting,
                    text=data["text"],
                    participant=next((p for p in participants if p.pk == data.get("participant")), None),
                    speaker=data.get("speaker", ""),
                    agenda_item=next((a for a in agenda if a.pk == data.get("agenda_item")), None),
                )
                return redirect("consult:meeting", pk=pk)
            if step == "vote" and can_vote and vote_form.is_valid():
                vote = _open_vote(request, vote_form, meeting)
                return redirect("consult:vote", pk=vote.pk)
            if step == "minutes" and can_record and minutes_form.is_valid():
                services.meeting_close(
                    actor=request.user, meeting=meeting, minutes=minutes_form.cleaned_data["minutes"]
                )
                return redirect("consult:meeting", pk=pk)
        except ServiceError as exc:
            target = {
                "invite": invite_form,
                "attend": attend_form,
                "statement": statement_form,
                "vote": vote_form,
                "minutes": minutes_form,
            }.get(step)
            _fail(request, exc, target)
    attended = sum(1 for p in participants if p.status == Participant.Status.ATTENDED)
    forms_with_errors = (invite_form, attend_form, statement_form, vote_form, minutes_form)
    return render(
        request,
        "consult/meeting.html",
        {
            "meeting": meeting,
            "participants": participants,
            "attended": attended,
            "agenda": agenda,
            "statements": meeting.statements.all(),
            "votes": meeting.votes.all(),
            "decisions": meeting.decisions.all(),
            "mine": mine,
            "can_register": can_register,
            "can_record": can_record,
            "can_vote": can_vote,
            "invite_form": invite_form,
            "attend_form": attend_form,
            "statement_form": statement_form,
            "vote_form": vote_form,
            "minutes_form": minutes_form,
        },
        status=400 if any(f.errors for f in forms_with_errors) else 200,
    )


# ---- votes ----


def _vote_form(
    request: HttpRequest, bound: bool, community: Division | None, prefix: str | None = None
) -> forms.VoteOpenForm:
    form = forms.VoteOpenForm(request.POST if bound else None, prefix=prefix)
    if community is not None:
        _set_choices(
            form,
            "complex",
            (
                [("", "—")]
                + [
                    (c.pk, c.name)
                    for c in ResidentialComplex.objects.filter(scope_path__startswith=community.path).order_by("code")[
                        :200
                    ]
                ]
            ),
        )
    return form


def _open_vote(request: HttpRequest, form: forms.VoteOpenForm, meeting_or_scope: Meeting | Division) -> Vote:
    data = form.cleaned_data
    community = meeting_or_scope.community if isinstance(meeting_or_scope, Meeting) else meeting_or_scope
    complex = (
        ResidentialComplex.objects.filter(pk=data["complex"], scope_path__startswith=community.path).first()
        if data.get("complex")
        else None
    )
    return services.vote_open(
        actor=request.user,
        meeting_or_scope=meeting_or_scope,
        question=data["question"],
        description=data["description"],
        method=data["method"],
        electorate=data["electorate"],
        secret=data["secret"],
        quorum=data["quorum"],
        quorum_custom=(data.get("quorum_num") or 0, data.get("quorum_den") or 0)
        if data["quorum"] == Vote.Quorum.CUSTOM
        else None,
        majority=data["majority"],
        majority_custom=(data.get("majority_num") or 0, data.get("majority_den") or 0)
        if data["majority"] == Vote.Majority.CUSTOM
        else None,
        base=data["base"],
        complex=complex,
        major_278=data["major_278"],
        closes_at=data["closes_at"],
    )


@allowed(policy, "view")
@require_http_methods(["GET", "POST"])
def votes(request: HttpRequest) -> HttpResponse:
    community = community_for(request.user, "open_vote")
    can_open = community is not None and policy.allows(request.user, "open_vote")
    form = _vote_form(request, request.method == "POST", community)
    if request.method == "POST" and can_open and form.is_valid():
        assert community is not None
        try:
            vote = _open_vote(request, form, community)
        except ServiceError as exc:
            exc.to_form(form)
        else:
            return redirect("consult:vote", pk=vote.pk)
    return render(
        request,
        "consult/votes.html",
        {"page": _slice(request, selectors.vote_list(viewer=request.user)), "form": form, "can_open": can_open},
        status=400 if form.errors else 200,
    )


@allowed(policy, "view")
@require_http_methods(["GET", "POST"])
def vote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _get(Vote.objects.select_related("meeting", "complex"), request, pk)
    step = request.POST.get("step", "")
    is_open = vote.status == Vote.Status.OPEN and timezone.now() < vote.closes_at
    elector = services.elector_for(actor=request.user, vote=vote) if policy.can(request.user, "vote", vote) else None
    voted = elector is not None and Participation.objects.filter(vote=vote, elector=elector).exists()
    ballot_form = forms.BallotForm(request.POST if step == "ballot" else None)
    onsite_form = forms.OnSiteForm(request.POST if step == "onsite" else None, prefix="onsite")
    can_onsite = is_open and not vote.secret and policy.can(request.user, "record_on_site", vote)
    if can_onsite:
        done = Participation.objects.filter(vote=vote).values("elector_id")
        _set_choices(
            onsite_form, "elector", [(e.pk, e.label) for e in vote.electors.exclude(pk__in=done).order_by("id")[:500]]
        )
    can_close = vote.status == Vote.Status.OPEN and policy.can(request.user, "close_vote", vote)
    if request.method == "POST":
        try:
            if step == "ballot" and ballot_form.is_valid():
                services.vote_cast(actor=request.user, vote=vote, choice=ballot_form.cleaned_data["choice"])
                messages.success(request, _("投票成功。"))
                return redirect("consult:vote", pk=pk)
            if step == "onsite" and can_onsite and onsite_form.is_valid():
                target = vote.electors.get(pk=onsite_form.cleaned_data["elector"])
                services.vote_record_on_site(
                    actor=request.user, vote=vote, elector=target, choice=onsite_form.cleaned_data["choice"]
                )
                return redirect("consult:vote", pk=pk)
            if step == "close" and can_close:
                services.vote_close(actor=request.user, vote=vote)
                return redirect("consult:vote", pk=pk)
        except ServiceError as exc:
            _fail(request, exc, {"ballot": ballot_form, "onsite": onsite_form}.get(step))
    return render(
        request,
        "consult/vote.html",
        {
            "vote": vote,
            "result": selectors.vote_result(vote),
            "is_open": is_open,
            "eligible": elector is not None,
            "voted": voted,
            "ballot_form": ballot_form,
            "onsite_form": onsite_form,
            "can_onsite": can_onsite,
            "can_close": can_close,
            "participations": selectors.participations(viewer=request.user, vote=vote)[:500],
            "open_ballots": selectors.open_ballots(viewer=request.user, vote=vote)[:500],
            "decisions": vote.decisions.all(),
        },
        status=400 if ballot_form.errors or onsite_form.errors else 200,
    )


# ---- decisions ----


@allowed(policy, "view")
@require_http_methods(["GET", "POST"])
def decisions(request: HttpRequest) -> HttpResponse:
    community = community_for(request.user, "draft_decision")
    can_draft = community is not None and policy.allows(request.user, "draft_decision")
    form = forms.DecisionForm(request.POST or None)
    if can_draft:
        assert community is not None
        _set_choices(
            form,
            "vote",
            (
                [("", "—")]
                + [
                    (v.pk, f"{v.question}（{v.get_outcome_display()}）")
                    for v in Vote.objects.filter(community=community).order_by("-opens_at")[:50]
                ]
            ),
        )
        _set_choices(
            form,
            "topic",
            (
                [("", "—")]
                + [
                    (t.pk, t.title)
                    for t in Topic.objects.filter(
                        community=community, status__in=(Topic.Status.ACCEPTED, Topic.Status.SCHEDULED)
                    ).order_by("-created_at")[:50]
                ]
            ),
        )
    if request.method == "POST" and can_draft and form.is_valid():
        assert community is not None
        data = form.cleaned_data
        try:
            decision = services.decision_create(
                actor=request.user,
                community=community,
                title=data["title"],
                body=data["body"],
                is_major=data["is_major"],
                vote=Vote.objects.filter(pk=data.get("vote") or 0, community=community).first(),
                topic=Topic.objects.filter(pk=data.get("topic") or 0, community=community).first(),
            )
        except ServiceError as exc:
            exc.to_form(form)
        else:
            return redirect("consult:decision", pk=decision.pk)
    return render(
        request,
        "consult/decisions.html",
        {
            "page": _slice(request, selectors.decision_list(viewer=request.user)),
            "form": form,
            "can_draft": can_draft,
        },
        status=400 if form.errors else 200,
    )


@allowed(policy, "view")
@require_http_methods(["GET", "POST"])
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _get(Decision.objects.select_related("vote", "topic", "meeting", "community"), request, pk)
    step = request.POST.get("step", "")
    draft = decision.status == Decision.Status.DRAFT
    adopted = decision.status == Decision.Status.ADOPTED
    opinion_form = forms.OpinionForm(request.POST if step == "opinion" else None)
    adopt_form = forms.AdoptForm(request.POST if step == "adopt" else None)
    progress_form = forms.ProgressForm(request.POST if step == "progress" else None)
    feedback_form = forms.FeedbackForm(request.POST if step == "feedback" else None)
    can_opinion = draft and policy.can(request.user, "give_opinion", decision)
    can_adopt = draft and policy.can(request.user, "adopt_decision", decision)
    can_track = adopted and policy.can(request.user, "track_decision", decision)
    if request.method == "POST":
        try:
            if step == "opinion" and can_opinion and opinion_form.is_valid():
                services.legal_opinion_give(actor=request.user, decision=decision, **opinion_form.cleaned_data)
                return redirect("consult:decision", pk=pk)
            if step == "adopt" and can_adopt and adopt_form.is_valid():
                services.decision_adopt(
                    actor=request.user, decision=decision, override_reason=adopt_form.cleaned_data["override_reason"]
                )
                messages.success(request, _("决定已通过。"))
                return redirect("consult:decision", pk=pk)
            if step == "progress" and can_track and progress_form.is_valid():
                services.decision_progress(actor=request.user, decision=decision, **progress_form.cleaned_data)
                return redirect("consult:decision", pk=pk)
            if step == "feedback" and can_track and feedback_form.is_valid():
                services.decision_publish_feedback(
                    actor=request.user, decision=decision, summary=feedback_form.cleaned_data["summary"]
                )
                messages.success(request, _("反馈已公开，可在居务公开页验证。"))
                return redirect("consult:decision", pk=pk)
        except ServiceError as exc:
            target = {
                "opinion": opinion_form,
                "adopt": adopt_form,
                "progress": progress_form,
                "feedback": feedback_form,
            }.get(step)
            _fail(request, exc, target)
    opinions = list(decision.opinions.all())
    return render(
        request,
        "consult/decision.html",
        {
            "decision": decision,
            "opinions": opinions,
            "latest": opinions[0] if opinions else None,
            "vote_result": selectors.vote_result(decision.vote) if decision.vote else None,
            "entries": decision.progress_entries.all(),
            "alerts": decision.alerts.all() if policy.can(request.user, "view_alerts", decision) else [],
            "can_opinion": can_opinion,
            "can_adopt": can_adopt,
            "can_track": can_track,
            "opinion_form": opinion_form,
            "adopt_form": adopt_form,
            "progress_form": progress_form,
            "feedback_form": feedback_form,
        },
        status=400 if any(f.errors for f in (opinion_form, adopt_form, progress_form, feedback_form)) else 200,
    )


# ---- gatherings (activities and legal-education events) ----


@allowed(policy, "view")
@require_http_methods(["GET", "POST"])
def gatherings(request: HttpRequest) -> HttpResponse:
    community = community_for(request.user, "manage_gathering")
    can_create = community is not None and policy.allows(request.user, "manage_gathering")
    form = forms.GatheringForm(request.POST or None)
    if request.method == "POST" and can_create and form.is_valid():
        assert community is not None
        try:
            g = services.gathering_create(actor=request.user, community=community, **form.cleaned_data)
        except ServiceError as exc:
            exc.to_form(form)
        else:
            return redirect("consult:gathering", pk=g.pk)
    qs = selectors.gathering_list(viewer=request.user).exclude(kind=Gathering.Kind.MEETING)
    return render(
        request,
        "consult/gatherings.html",
        {"page": _slice(request, qs), "form": form, "can_create": can_create},
        status=400 if form.errors else 200,
    )


@allowed(policy, "view")
@require_http_methods(["GET", "POST"])
def gathering_detail(request: HttpRequest, pk: int) -> HttpResponse:
    gathering = _get(Gathering.objects.all(), request, pk)
    if gathering.kind == Gathering.Kind.MEETING and hasattr(gathering, "meeting"):
        return redirect("consult:meeting", pk=gathering.meeting.pk)
    step = request.POST.get("step", "")
    participants = list(selectors.attendance(gathering))
    mine = next((p for p in participants if p.user_id == request.user.pk), None)
    can_manage = policy.can(request.user, "manage_gathering", gathering)
    attend_form = forms.AttendForm(request.POST if step == "attend" else None, prefix="attend")
    _set_choices(
        attend_form,
        "participant",
        [("", "—")] + [(p.pk, f"{p.name}（{p.get_status_display()}）") for p in participants],
    )
    if request.method == "POST":
        try:
            if step == "register":
                services.gathering_register(actor=request.user, gathering=gathering)
                messages.success(request, _("报名成功。"))
            elif step == "cancel" and mine is not None:
                services.gathering_cancel(actor=request.user, participant=mine)
            elif step == "attend" and can_manage and attend_form.is_valid():
                data = attend_form.cleaned_data
                participant = next((p for p in participants if p.pk == data.get("participant")), None)
                if participant is None and not data.get("name"):
                    raise ServiceError(_("请选择参加人员或填写姓名。"), fields={"participant": _("必填")})
                resident = (
                    Resident.objects.filter(community_id=gathering.community_id, name=data["name"].strip()).first()
                    if participant is None
                    else None
                )
                services.gathering_attend(
                    actor=request.user,
                    gathering=gathering,
                    participant=participant,
                    resident=resident,
                    name=data.get("name", ""),
                    attended=data["attended"] == "1",
                )
            else:
                raise NotFound(_("未找到该记录，或您无权查看。"))
            return redirect("consult:gathering", pk=pk)
        except ServiceError as exc:
            _fail(request, exc, attend_form if step == "attend" else None)
    return render(
        request,
        "consult/gathering.html",
        {
            "gathering": gathering,
            "participants": participants,
            "attended": sum(1 for p in participants if p.status == Participant.Status.ATTENDED),
            "mine": mine,
            "can_register": policy.can(request.user, "register", gathering)
            and gathering.starts_at > timezone.now()
            and (mine is None or mine.status in (Participant.Status.INVITED, Participant.Status.CANCELLED)),
            "can_manage": can_manage,
            "attend_form": attend_form,
        },
        status=400 if attend_form.errors else 200,
    )


# ---- legal questions (R6.1) ----


@signed_in
@require_http_methods(["GET", "POST"])
def questions(request: HttpRequest) -> HttpResponse:
    """Residents ask and see their own questions; the legal advisor (and oversight) see their communities' list."""
    can_ask = policy.allows(request.user, "ask_legal") and services.resident_of(request.user) is not None
    form = forms.QuestionForm(request.POST or None)
    if request.method == "POST" and can_ask and form.is_valid():
        try:
            q = services.question_ask(actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            exc.to_form(form)
        else:
            messages.success(request, _("问题已提交，法律顾问将在 %(d)s 前答复。") % {"d": q.due_on})
            return redirect("consult:question", pk=q.pk)
    staff = policy.allows(request.user, "view_questions")
    status = request.GET.get("status") or None
    if status not in LegalQuestion.Status.values:
        status = None
    return render(
        request,
        "consult/questions.html",
        {
            "mine": selectors.my_questions(viewer=request.user)[:50],
            "page": _slice(request, selectors.question_list(viewer=request.user, status=status)) if staff else None,
            "staff": staff,
            "status": status,
            "today": timezone.localdate(),
            "form": form,
            "can_ask": can_ask,
            "labels": forms.QUESTION_CATEGORY_LABELS,
        },
        status=400 if form.errors else 200,
    )


@signed_in
@require_http_methods(["GET", "POST"])
def question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    question = (
        LegalQuestion.objects.filter(pk=pk, asked_by=request.user).first() if request.user.is_authenticated else None
    )
    if question is None:
        question = _get(LegalQuestion.objects.all(), request, pk, "view_questions")
    can_answer = question.status == LegalQuestion.Status.OPEN and policy.can(request.user, "answer_legal", question)
    form = forms.AnswerForm(request.POST if can_answer and request.method == "POST" else None)
    if request.method == "POST" and can_answer and form.is_valid():
        try:
            services.question_answer(actor=request.user, question=question, answer=form.cleaned_data["answer"])
        except ServiceError as exc:
            exc.to_form(form)
        else:
            return redirect("consult:question", pk=pk)
    return render(
        request,
        "consult/question.html",
        {
            "question": question,
            "overdue": question.is_overdue(timezone.localdate()),
            "category": forms.QUESTION_CATEGORY_LABELS.get(question.category, question.category),
            "can_answer": can_answer,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


# ---- street office ----


@allowed(policy, "view_alerts")
@require_http_methods(["GET", "POST"])
def alerts(request: HttpRequest) -> HttpResponse:
    form = forms.AlertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            alert = _get(StreetAlert.objects.all(), request, int(request.POST.get("alert", "0")), "handle_alert")
            services.street_alert_handle(actor=request.user, alert=alert, response=form.cleaned_data["response"])
        except (ServiceError, ValueError) as exc:
            messages.error(request, str(getattr(exc, "message", exc)))
        return redirect("consult:alerts")
    return render(
        request,
        "consult/alerts.html",
        {
            "page": _slice(request, selectors.alert_list(viewer=request.user)),
            "form": forms.AlertForm(),
            "can_handle": policy.allows(request.user, "handle_alert"),
        },
    )
