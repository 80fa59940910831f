"""Tally a council session's secret ballots into a result per dossier.

Decisions this module makes (workflows/README.md repeats them for the minutes):

- A ballot maps ``str(dossier_id)`` to ``"agree"``, ``"disagree"`` or ``"recuse"``; a dossier
  missing from a ballot is a blank vote (counted as a participant, never as agreement).
- Quorum is counted over the whole council: members present plus absent members whose written
  ballot came back (a non-empty ballot), against the number of council members. A dossier whose
  rule's quorum is not met gets no result at all: it stays waiting for a later session.
- A recused member (declared on the ballot, or given by the engine in ``recused`` because the
  member is the nominee) is left out of that dossier's count **and of its denominator**: with
  ``all_members`` the base is the council size minus that dossier's recused members, with
  ``present`` it is the participants minus them. Keeping them in the base would turn a recusal
  into a vote against.
- Thresholds are compared with exact integer/fraction arithmetic: 90 % of 7 members is 6.3, so 7
  agree votes are needed. Percentages may be given as ``"200/3"`` for a two-thirds quorum.
- A quota (e.g. CSTĐ cơ sở ≤ 15 % of the unit's LĐTT, NĐ 91/2017) applies per quota key
  ``"<title_code>:<unit_id>"``. Passing dossiers over the quota are ranked by agree votes; those
  below the cut are not selected. When dossiers tie on the cut line, none of the tied dossiers is
  selected and the reason asks the council to vote again between them: the quota is never
  exceeded and no order (dossier id, name) silently decides.
- A rule whose figures are not confirmed for the dossier's legal basis stops the tally with
  :class:`UnconfirmedRuleError`: an administrator must set it first.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from engine.text import N_, message_data

Vote = Literal["agree", "disagree", "recuse"]
VOTES: frozenset[str] = frozenset({"agree", "disagree", "recuse"})


class UnconfirmedRuleError(ValueError):
    """Raised when a vote rule or quota is not confirmed for a legal basis."""


class BallotError(ValueError):
    """Raised for a ballot that cannot be counted (unknown member, unknown vote)."""


def parse_percent(value: object) -> Fraction:
    """Return a percentage as an exact fraction (accepts 90, "90", "66.5", "200/3")."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Fraction):
        raise ValueError(N_("Tỷ lệ phần trăm không hợp lệ: %(value)s", value=repr(value)))
    return Fraction(str(value)) if not isinstance(value, Fraction) else value


@dataclass(frozen=True)
class VoteRule:
    """The outcome of the ``vote_rule`` DMN decision for one dossier."""

    threshold_percent: Fraction
    threshold_base: Literal["all_members", "present"]
    quorum_percent: Fraction
    confirmed: bool
    threshold_strict: bool = False

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> VoteRule:
        """Build a rule from the DMN output dict."""
        base = data["threshold_base"]
        if base not in ("all_members", "present"):
            raise ValueError(N_("threshold_base không hợp lệ: %(base)s", base=repr(base)))
        return cls(
            threshold_percent=parse_percent(data["threshold_percent"]),
            threshold_base=base,
            quorum_percent=parse_percent(data["quorum_percent"]),
            confirmed=bool(data["confirmed"]),
            threshold_strict=bool(data.get("threshold_strict", False)),
        )

    def needed(self, base: int) -> int:
        """Return the fewest agree votes that pass over ``base`` counted members."""
        exact = self.threshold_percent * base / 100
        return math.floor(exact) + 1 if self.threshold_strict else math.ceil(exact)

    def describe(self) -> str:
        """Return the threshold in words for a reason or the minutes."""
        percent = _fmt(self.threshold_percent)
        if self.threshold_base == "all_members":
            if self.threshold_strict:
                return N_("trên %(percent)s%% tổng số thành viên", percent=percent)
            return N_("từ %(percent)s%% tổng số thành viên", percent=percent)
        if self.threshold_strict:
            return N_("trên %(percent)s%% số có mặt", percent=percent)
        return N_("từ %(percent)s%% số có mặt", percent=percent)


def _fmt(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class DossierResult:
    """A dossier's result, in the shape the ``council_result`` message carries."""

    selected: bool
    agree: int
    disagree: int
    members: int
    reason: str

    def to_payload(self) -> dict[str, Any]:
        """Return the message payload delivered to the dossier's instance."""
        return {
            "selected": self.selected,
            "agree": self.agree,
            "disagree": self.disagree,
            "members": self.members,
            "reason": self.reason,
            # The reason as a message (engine.text.message_data): shown in the reader's language.
            "reason_text": message_data(self.reason),
        }


def cstdcs_quota(ldtt_count: int, legal_basis: str) -> int:
    """Return how many CSTĐ cơ sở a unit may get from its LĐTT count under the legal basis."""
    if legal_basis != "ND91_2017":
        raise UnconfirmedRuleError(
            N_(
                "Chỉ tiêu Chiến sĩ thi đua cơ sở theo %(legal_basis)s chưa được xác nhận: quản "
                "trị viên phải thiết lập trước khi xét",
                legal_basis=legal_basis,
            )
        )
    return ldtt_count * 15 // 100


def quota_key(title_code: str, unit_id: int | str) -> str:
    """Return the key of a quota group in the ``quotas`` mapping."""
    return f"{title_code}:{unit_id}"


def _member_ids(members: Sequence[Any]) -> list[str]:
    ids = [str(m["user_id"]) if isinstance(m, Mapping) else str(m) for m in members]
    if len(set(ids)) != len(ids):
        raise BallotError(N_("Danh sách thành viên Hội đồng có người bị trùng"))
    return ids


def _check_ballots(ballots: Mapping[str, Mapping[str, str]], members: set[str]) -> None:
    for user, ballot in ballots.items():
        if str(user) not in members:
            raise BallotError(
                N_("Phiếu của người không phải thành viên Hội đồng: %(user)s", user=user)
            )
        bad = {v for v in ballot.values() if v not in VOTES}
        if bad:
            raise BallotError(
                N_(
                    "Phiếu của thành viên %(user)s có lựa chọn không hợp lệ: %(bad)s",
                    user=user,
                    bad=sorted(bad),
                )
            )


def seal_hash(ballots: Mapping[str, Mapping[str, str]], nonce: str) -> str:
    """Return a SHA-256 over the canonical ballots and the session's secret nonce.

    The nonce keeps a small council's votes from being recovered by trying every combination
    against a published hash; whoever holds the sealed ballots and the nonce can verify.
    """
    if not nonce:
        raise ValueError(N_("seal_hash cần một nonce bí mật của phiên họp"))
    canonical = {
        str(user): {str(d): str(v) for d, v in ballot.items()} for user, ballot in ballots.items()
    }
    text = json.dumps(
        {"nonce": nonce, "ballots": canonical},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _rules_by_dossier(
    dossiers: Sequence[Mapping[str, Any]],
    vote_rules: Sequence[Mapping[str, Any]] | Mapping[str, Mapping[str, Any]],
) -> dict[str, VoteRule]:
    if isinstance(vote_rules, Mapping):
        raw = {str(k): v for k, v in vote_rules.items()}
    else:
        if len(vote_rules) != len(dossiers):
            raise ValueError(N_("vote_rules phải có đúng một quy tắc cho mỗi hồ sơ"))
        raw = {str(d["dossier_id"]): r for d, r in zip(dossiers, vote_rules, strict=True)}
    rules = {key: VoteRule.from_data(rule) for key, rule in raw.items()}
    unconfirmed = sorted(
        f"{d['dossier_id']} ({d.get('title_code')}, {d.get('legal_basis')})"
        for d in dossiers
        if not rules[str(d["dossier_id"])].confirmed
    )
    if unconfirmed:
        raise UnconfirmedRuleError(
            N_("Ngưỡng biểu quyết chưa được xác nhận cho căn cứ pháp lý của các hồ sơ: ")
            + ", ".join(unconfirmed)
            + N_(". Quản trị viên phải thiết lập quy tắc trong bảng quyết định vote_rule.")
        )
    return rules


def tally_session(
    *,
    members: Sequence[Any],
    ballots: Mapping[str, Mapping[str, str]],
    written_ballots: Mapping[str, Mapping[str, str]] | None,
    dossiers: Sequence[Mapping[str, Any]],
    vote_rules: Sequence[Mapping[str, Any]] | Mapping[str, Mapping[str, Any]],
    recused: Mapping[str, Sequence[Any]] | None = None,
    quotas: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """Count the session and return ``{"results": {...}, "minutes": {...}}``.

    ``results`` maps ``str(dossier_id)`` to the ``council_result`` payload and holds only the
    dossiers the session could decide; ``minutes`` holds the counts for the Biên bản and never an
    individual vote.
    """
    member_ids = _member_ids(members)
    member_set = set(member_ids)
    written = {u: b for u, b in (written_ballots or {}).items() if b}
    all_ballots: dict[str, Mapping[str, str]] = {str(u): b for u, b in ballots.items()}
    _check_ballots(all_ballots, member_set)
    _check_ballots(written, member_set)
    both = set(all_ballots) & {str(u) for u in written}
    if both:
        raise BallotError(
            N_("Thành viên vừa có mặt vừa có phiếu bằng văn bản: %(both)s", both=sorted(both))
        )
    all_ballots.update({str(u): b for u, b in written.items()})
    participants = set(all_ballots)
    rules = _rules_by_dossier(dossiers, vote_rules)
    total = len(member_ids)

    results: dict[str, DossierResult] = {}
    minutes_rows: dict[str, dict[str, Any]] = {}
    undecided: dict[str, str] = {}
    for dossier in dossiers:
        key = str(dossier["dossier_id"])
        rule = rules[key]
        if len(participants) * 100 < rule.quorum_percent * total:
            undecided[key] = N_(
                "Không đủ số thành viên tham gia biểu quyết: %(participants)s/%(total)s, yêu cầu "
                "từ %(quorum)s%%",
                participants=len(participants),
                total=total,
                quorum=_fmt(rule.quorum_percent),
            )
            continue
        recused_here = {str(u) for u in (recused or {}).get(key, [])} & member_set
        recused_here |= {u for u, b in all_ballots.items() if b.get(key) == "recuse"}
        voting = participants - recused_here
        votes = [all_ballots[u].get(key) for u in voting]
        agree = votes.count("agree")
        disagree = votes.count("disagree")
        base = total - len(recused_here) if rule.threshold_base == "all_members" else len(voting)
        needed = rule.needed(base)
        passed = base > 0 and agree >= needed
        if passed:
            reason = N_(
                "Đạt %(agree)s/%(base)s phiếu đồng ý (yêu cầu %(rule)s: tối thiểu %(needed)s "
                "phiếu)",
                agree=agree,
                base=base,
                rule=rule.describe(),
                needed=needed,
            )
        else:
            reason = N_(
                "Không đạt tỷ lệ phiếu: %(agree)s/%(base)s phiếu đồng ý, yêu cầu %(rule)s (tối "
                "thiểu %(needed)s phiếu)",
                agree=agree,
                base=base,
                rule=rule.describe(),
                needed=needed,
            )
        results[key] = DossierResult(passed, agree, disagree, base, reason)
        minutes_rows[key] = {
            "agree": agree,
            "disagree": disagree,
            "blank": len(votes) - agree - disagree,
            "recused": len(recused_here),
            "base": base,
            "needed": needed,
            "passed": passed,
        }

    _apply_quotas(dossiers, results, quotas or {})
    for key, result in results.items():
        minutes_rows[key]["selected"] = result.selected
        minutes_rows[key]["reason"] = result.reason
    return {
        "results": {key: result.to_payload() for key, result in results.items()},
        "minutes": {
            "members": total,
            "present": len(ballots),
            "written": len(written),
            "participants": len(participants),
            "dossiers": minutes_rows,
            "undecided": undecided,
        },
    }


def _apply_quotas(
    dossiers: Sequence[Mapping[str, Any]],
    results: dict[str, DossierResult],
    quotas: Mapping[str, int],
) -> None:
    groups: dict[str, list[str]] = {}
    for dossier in dossiers:
        key = str(dossier["dossier_id"])
        if key in results and results[key].selected:
            group = quota_key(dossier["title_code"], dossier["unit_id"])
            groups.setdefault(group, []).append(key)
    for group, keys in groups.items():
        limit = quotas.get(group)
        if limit is None or len(keys) <= limit:
            continue
        ranked = sorted(keys, key=lambda k: -results[k].agree)
        cut_votes = results[ranked[limit]].agree
        tie = limit > 0 and results[ranked[limit - 1]].agree == cut_votes
        for rank, key in enumerate(ranked, start=1):
            result = results[key]
            if result.agree > cut_votes and rank <= limit:
                continue
            if tie and result.agree == cut_votes:
                reason = N_(
                    "Bằng số phiếu đồng ý (%(agree)s) tại ngưỡng chỉ tiêu %(limit)s của nhóm "
                    "%(group)s: Hội đồng cần bỏ phiếu lại giữa các hồ sơ bằng phiếu",
                    agree=result.agree,
                    limit=limit,
                    group=group,
                )
            else:
                reason = N_(
                    "Vượt chỉ tiêu %(limit)s của nhóm %(group)s: xếp thứ %(rank)s theo số phiếu "
                    "đồng ý (%(agree)s)",
                    limit=limit,
                    group=group,
                    rank=rank,
                    agree=result.agree,
                )
            results[key] = DossierResult(
                False, result.agree, result.disagree, result.members, reason
            )
