"""The accessibility statement follows the legal model, its status and rate computed from the audit grid."""

from __future__ import annotations

import copy
import tomllib
from collections import Counter
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from essaim.core.accessibility import (
    FULLY,
    GRID,
    NOT_CONFORM,
    PARTIALLY,
    conformity_rate,
    conformity_status,
    current_audit,
    parse_audit,
)

# RGAA 4.1: the number of criteria of each of its 13 themes (106 in all).
CRITERIA_PER_THEME = {1: 9, 2: 2, 3: 3, 4: 13, 5: 8, 6: 2, 7: 5, 8: 10, 9: 4, 10: 14, 11: 13, 12: 11, 13: 12}


def grid_data() -> dict:
    with GRID.open("rb") as file:
        return tomllib.load(file)


def test_the_grid_holds_every_rgaa_criterion_once_with_a_known_result() -> None:
    audit = current_audit()
    themes = Counter(int(c.id.split(".")[0]) for c in audit.criteria)
    assert dict(themes) == CRITERIA_PER_THEME
    assert len({c.id for c in audit.criteria}) == 106
    for c in audit.criteria:
        if c.result in ("C", "NC"):
            assert c.pages and c.how, f"{c.id}: what was checked, where and how"


@given(conform=st.integers(0, 106), non_conform=st.integers(0, 106), complete=st.booleans())
def test_status_follows_the_rate_and_claims_nothing_before_a_complete_audit(
    conform: int, non_conform: int, complete: bool
) -> None:
    rate = conformity_rate(conform, non_conform)
    status = conformity_status(rate, complete=complete)
    if rate is None:
        assert status == NOT_CONFORM
        return
    assert Decimal(0) <= rate <= Decimal(100)
    if not complete or rate < 50:
        assert status == NOT_CONFORM
    elif non_conform == 0:
        assert status == FULLY
    else:
        assert status == PARTIALLY


def test_rate_is_conform_over_evaluated_applicable_criteria() -> None:
    assert conformity_rate(3, 1) == Decimal("75.0")
    assert conformity_rate(2, 1) == Decimal("66.7")
    assert conformity_rate(0, 0) is None
    assert conformity_status(Decimal("49.9"), complete=True) == NOT_CONFORM
    assert conformity_status(Decimal("50.0"), complete=True) == PARTIALLY


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"result": "OK"}, "unknown result"),
        ({"result": "C", "pages": []}, "without the pages"),
        ({"result": "NC", "pages": ["nulle-part"]}, "outside the sample"),
    ],
)
def test_a_grid_with_a_mistake_is_refused(change: dict, message: str) -> None:
    data = copy.deepcopy(grid_data())
    data["criteria"][0].update(change)
    with pytest.raises(ValueError, match=message):
        parse_audit(data)


def test_an_incomplete_audit_is_declared_non_conforme_whatever_its_rate() -> None:
    data = copy.deepcopy(grid_data())
    for criterion in data["criteria"]:
        if criterion["result"] == "NC":
            criterion["result"] = "C"
    audit = parse_audit(data)
    assert audit.rate == Decimal(100) and not audit.complete
    assert audit.status == NOT_CONFORM
    for criterion in data["criteria"]:
        if criterion["result"] == "NT":
            criterion.update(result="C", pages=["*"], how="vérifié")
    assert parse_audit(data).status == FULLY


def test_statement_page_shows_the_audits_real_status_rate_date_sample_and_recourse(client) -> None:
    audit = current_audit()
    page = client.get(reverse("core:accessibility")).content.decode()
    assert f"est <strong>{audit.status}</strong>" in page
    assert audit.status == NOT_CONFORM  # criteria remain to be tested
    assert f"<strong>{str(audit.rate).replace('.', ',')} %</strong>" in page or f"{audit.rate} %" in page
    assert "7 décembre 2026" in page
    for sample_page in audit.pages:
        assert sample_page["title"].replace("'", "&#x27;") in page
    for criterion in audit.non_conformities:
        assert f"Critère {criterion.id} " in page
    assert "Défenseur des droits" in page and "Libre réponse 71120" in page
    assert reverse("core:accessibility_plan") in page
    assert "carte" not in page.lower()  # no maps that do not exist
    assert f"Accessibilité : {audit.status}" in page  # the footer says the same


def test_multi_year_plan_page_lists_each_years_actions(client) -> None:
    page = client.get(reverse("core:accessibility_plan")).content.decode()
    for year in current_audit().plan:
        assert f"Plan d'action {year['year']}" in page
    assert "Audit complet des 106 critères" in page


class _TwoKinds(forms.Form):
    prefix = "need"
    kind = forms.ChoiceField(label="Type", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    title = forms.CharField(label="Titre")


def test_error_summary_is_marked_for_focus_and_links_a_radio_group_to_its_first_option() -> None:
    form = _TwoKinds(data={})
    html = Template("{% load essaim_forms %}{% form_errors form %}").render(Context({"form": form}))
    assert 'id="need-form-errors" data-error-summary' in html
    assert 'href="#id_need-kind_0"' in html  # not "#": Django gives the group itself no id
    assert 'href="#id_need-title"' in html
    assert f'id="{form["kind"].subwidgets[0].id_for_label}"' in form["kind"].as_widget()
