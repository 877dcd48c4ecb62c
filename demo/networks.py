"""The demo's learning network (seed 002): the National Civic Impact
Accelerator's action learning programme, with the two Welsh demo
partnerships and Wakefield Together as members.

Seed 002 names "Measuring civic impact" and "Building and maintaining
equitable and effective partnerships" among the programme's themes, and the
need to compare and share what works across partnerships. The two shared
measures are what all three demo strategies already count: the engagement
activities held with communities (Wakefield's log, the civic mission's C4C
events, Community Cohesion's "opportunities for people to come together")
and the partners taking part (the civic mission's partners at C4C events,
Wakefield's partners contributing to the calendar of engagement). The civic
mission and Wakefield share their figures; Community Cohesion adopts the
activities measure but shares nothing, so its figures stay its own.

Loading twice changes nothing: everything is found by its English name.
"""

from dataclasses import dataclass

from kpis.models import PerformanceMeasure, Question, ValueType
from networks import services
from networks.models import (
    Adoption,
    MembershipStatus,
    Network,
    NetworkMembership,
    SharedMeasure,
)
from partnerships.models import Membership, Partnership, User

NAME = "NCIA action learning programme"
NAME_CY = "Rhaglen dysgu gweithredol NCIA"
DESCRIPTION = (
    "The National Civic Impact Accelerator's action learning programme: civic "
    "partnerships learning together what works in civic engagement, in what "
    "context, and how to measure civic impact."
)
DESCRIPTION_CY = (
    "Rhaglen dysgu gweithredol y Cyflymydd Effaith Ddinesig Cenedlaethol: "
    "partneriaethau dinesig yn dysgu gyda'i gilydd beth sy'n gweithio mewn "
    "ymgysylltu dinesig, ym mha gyd-destun, a sut i fesur effaith ddinesig."
)

CIVIC = "wrexham-civic-mission"
COHESION = "wrexham-community-cohesion"
WAKEFIELD = "wakefield-together"
MEMBERS = (CIVIC, COHESION, WAKEFIELD)


@dataclass(frozen=True)
class SharedMeasureSpec:
    name: str
    name_cy: str
    definition: str
    definition_cy: str
    data_source: str
    data_source_cy: str
    # (partnership slug, measure code, shares its figures)
    adoptions: tuple[tuple[str, str, bool], ...]


SHARED_MEASURES = (
    SharedMeasureSpec(
        name="Engagement activities held with communities",
        name_cy="Gweithgareddau ymgysylltu a gynhaliwyd gyda chymunedau",
        definition=(
            "Engagement activities and opportunities for people to come together "
            "that the partnership and its partners held in the quarter, summed "
            "over the year (the programme's theme: measuring civic impact)."
        ),
        definition_cy=(
            "Gweithgareddau ymgysylltu a chyfleoedd i bobl ddod at ei gilydd a "
            "gynhaliodd y bartneriaeth a'i phartneriaid yn y chwarter, wedi'u "
            "hadio dros y flwyddyn (thema'r rhaglen: mesur effaith ddinesig)."
        ),
        data_source=(
            "The partnership's engagement log or event records: count each "
            "activity once, whichever partner led it."
        ),
        data_source_cy=(
            "Log ymgysylltu neu gofnodion digwyddiadau'r bartneriaeth: cyfrwch "
            "bob gweithgaredd unwaith, pa bartner bynnag a'i arweiniodd."
        ),
        adoptions=(
            (CIVIC, "LG-01", True),
            (WAKEFIELD, "WT-E1", True),
            (COHESION, "O3-01", False),
        ),
    ),
    SharedMeasureSpec(
        name="Partners taking part in collaborative civic work",
        name_cy="Partneriaid sy'n cymryd rhan mewn gwaith dinesig cydweithredol",
        definition=(
            "Partner organisations taking part in the partnership's collaborative "
            "events and engagement in the quarter, summed over the year (the "
            "programme's theme: building and maintaining equitable and effective "
            "partnerships)."
        ),
        definition_cy=(
            "Sefydliadau partner sy'n cymryd rhan yn nigwyddiadau ac ymgysylltu "
            "cydweithredol y bartneriaeth yn y chwarter, wedi'u hadio dros y "
            "flwyddyn (thema'r rhaglen: meithrin a chynnal partneriaethau teg ac "
            "effeithiol)."
        ),
        data_source=(
            "Attendance or sign-up records of the partnership's events and "
            "calendar: count organisations, not people."
        ),
        data_source_cy=(
            "Cofnodion presenoldeb neu gofrestru digwyddiadau a chalendr y "
            "bartneriaeth: cyfrwch sefydliadau, nid pobl."
        ),
        adoptions=((CIVIC, "LG-02", True), (WAKEFIELD, "WT-08", True)),
    ),
)


def network_load(*, admin: User) -> Network:
    """The demo network, its library, members and adoptions (inside the
    loader's platform scope, as the platform: no staff login is needed)."""
    network = Network.objects.filter(name_en=NAME).first()
    if network is None:
        network = services.network_save(
            actor=None,
            english={"name": NAME, "description": DESCRIPTION},
            welsh={"name": NAME_CY, "description": DESCRIPTION_CY},
        )
    partnerships = {p.slug: p for p in Partnership.objects.filter(slug__in=MEMBERS)}
    for slug in MEMBERS:
        partnership = partnerships[slug]
        place = NetworkMembership.objects.filter(
            network=network, partnership=partnership
        ).first()
        if place is None:
            services.network_invite(
                actor=None, network=network, partnership=partnership
            )
        if place is None or place.status == MembershipStatus.INVITED:
            services.invitation_respond(
                partnership=partnership,
                membership=_admin(partnership, admin),
                network_id=network.pk,
                accept=True,
            )
    for spec in SHARED_MEASURES:
        shared = SharedMeasure.objects.filter(
            network=network, name_en=spec.name
        ).first()
        if shared is None:
            shared = services.shared_measure_save(
                actor=None,
                network=network,
                question=Question.HOW_MUCH,
                value_type=ValueType.COUNT,
                english={
                    "name": spec.name,
                    "definition": spec.definition,
                    "data_source": spec.data_source,
                },
                welsh={
                    "name": spec.name_cy,
                    "definition": spec.definition_cy,
                    "data_source": spec.data_source_cy,
                },
            )
        for slug, code, shares in spec.adoptions:
            partnership = partnerships[slug]
            measure = PerformanceMeasure.objects.get(partnership=partnership, code=code)
            if Adoption.objects.filter(
                partnership=partnership,
                shared_measure=shared,
                measure=measure,
                is_shared=shares,
            ).exists():
                continue
            services.adoption_set(
                partnership=partnership,
                membership=_admin(partnership, admin),
                actor=admin,
                shared_measure=shared,
                measure_id=measure.pk,
                is_shared=shares,
            )
    return network


def _admin(partnership: Partnership, admin: User) -> Membership:
    return Membership.objects.get(partnership=partnership, user=admin)
