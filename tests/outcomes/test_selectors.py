from outcomes.models import Project
from outcomes.selectors import project_list
from tests.factories import PartnershipFactory


def test_project_list_never_returns_another_partnership_s_projects(db):
    ours, theirs = PartnershipFactory(), PartnershipFactory()
    kept = Project.objects.create(partnership=ours, name="Ours")
    Project.objects.create(partnership=theirs, name="Theirs")
    assert list(project_list(partnership=ours)) == [kept]
