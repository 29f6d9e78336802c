"""Planners' projects under the sidebar filters, and their stated amounts per county."""

from __future__ import annotations

import pandas as pd
import pytest

from components.state.view_state import Filters
from components.views.user_data import (
    filtered_investment,
    filtered_projects,
    has_amounts,
    project_search_ids,
    split_counties,
)


@pytest.fixture
def projects() -> pd.DataFrame:
    """Three projects: one county, two counties, city-wide."""
    return pd.DataFrame(
        {
            "project_id": ["p1", "p2", "p3"],
            "name_zh": ["邵东产业园", "新宁旅游公路", "全市数字平台"],
            "name_en": [None, "Xinning tourism road", None],
            "counties": ["430582", "430528,430529", ""],
            "category": ["industrial_project", "infrastructure", None],
            "precision": ["county", "county", "citywide"],
            "investment_yi": [12.5, 3.0, None],
        }
    )


@pytest.fixture
def annotations() -> pd.DataFrame:
    """Figures added to two report initiatives."""
    return pd.DataFrame(
        {
            "initiative_id": ["langshan-tourism", "shaoyong-hsr"],
            "counties": ["430528", "430503,430523"],
            "investment_yi": [2.0, 96.0],
        }
    )


def test_split_counties():
    assert split_counties("430582,430528") == ("430582", "430528")
    assert split_counties("") == ()
    assert split_counties(None) == ()
    assert split_counties(["430582"]) == ("430582",)


def test_county_and_category_filters_apply(projects):
    assert list(filtered_projects(projects, Filters(counties=("430529",)))["project_id"]) == ["p2"]
    kept = filtered_projects(projects, Filters(categories=("industrial_project",)))
    assert list(kept["project_id"]) == ["p1"]


def test_report_only_filters_hide_every_project(projects):
    assert filtered_projects(projects, Filters(sections=("一",))).empty
    assert filtered_projects(projects, Filters(commitments=("建成",))).empty


def test_search_by_pinyin_and_english(projects):
    assert project_search_ids(projects, "shaodong") == ["p1"]
    assert project_search_ids(projects, "tourism road") == ["p2"]
    kept = filtered_projects(projects, Filters(query="xinning"))
    assert list(kept["project_id"]) == ["p2"]


def test_investment_goes_to_single_counties_only(projects, annotations):
    totals = filtered_investment(projects, annotations, Filters(), ["langshan-tourism"])
    assert totals == {"430582": 12.5, "multi_county": 3.0, "430528": 2.0}
    assert has_amounts(projects, annotations)


def test_no_amounts(projects, annotations):
    empty = projects.assign(investment_yi=None)
    assert not has_amounts(empty, annotations.assign(investment_yi=None))


def test_search_in_my_projects_uses_the_synonym_groups(projects):
    """景区 is not in any name; with the tourism group it finds the tourism road."""
    groups = [("旅游", "景区")]
    assert project_search_ids(projects, "景区") == []
    assert project_search_ids(projects, "景区", groups) == ["p2"]
    kept = filtered_projects(projects, Filters(query="景区"), synonyms=groups)
    assert list(kept["project_id"]) == ["p2"]
