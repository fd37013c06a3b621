"""Finding a facility: the issue's example queries against the demo data, ranking, aliases, typos,
browsing without typing, facilities near me, and every page that searches. The same tests run on
SQLite and on PostgreSQL (full-text and trigram indexes): both must give these answers."""

import re
import unittest
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from iltod.demo import seed as demo
from iltod.lib.translit import search_words
from iltod.places import search
from iltod.places.models import AdminUnit, SearchTerm, ServiceUnit
from iltod.places.search import facilities_near, parse, search_facilities, typo_distance
from iltod.places.views import RankedPaginator


def school(unit_code: str, number: int = 1) -> ServiceUnit:
    return ServiceUnit.objects.get(
        admin_unit__code=unit_code, kind=ServiceUnit.Kind.GENERAL_SCHOOL, name_en__endswith=f"School No. {number}"
    )


def found(text: str, n: int = 10, **filters) -> list[ServiceUnit]:
    return list(search_facilities(text, **filters)[:n])


class DemoSearchTests(TestCase):
    """The demo data (scale 1: ten aimags, three districts of the capital), seeded once."""

    @classmethod
    def setUpTestData(cls):
        # The demo's facilities only (organisations, people and feedback are not searched).
        geo = demo.load_geography()
        demo._write_facilities(demo.plan_facilities(geo), geo, {}, demo.SeedResult())
        cls.erdenebulgan_arkhangai = school("6501")  # the persona director's school, in Tsetserleg
        cls.erdenebulgan_khovsgol = school("6767")  # the other Erdenebulgan soum
        cls.both_erdenebulgan = {cls.erdenebulgan_arkhangai, cls.erdenebulgan_khovsgol}
        cls.bayanzurkh_4 = school("1110", 4)
        cls.arkhangai_hospital = ServiceUnit.objects.get(kind=ServiceUnit.Kind.AIMAG_HOSPITAL, admin_unit__code="6501")

    # The issue's examples ----------------------------------------------------------------

    def test_every_example_of_the_issue_finds_school_no_1_of_both_erdenebulgan_soums_first(self):
        for text in (
            "erdenebulgan 1-r surguuli",
            "surguuli erdenebulgan",
            "Erdenebulgan School No. 1",
            "Эрдэнэбулган 1",
            "Эрдэнэбулган сумын 1-р сургууль",
            "erdenebulgan sumiin 1 dugaar surguuli",
            "№1 сургууль Эрдэнэбулган",
            "Erdenebulgan #1 school",
            "ЭРДЭНЭБУЛГАН １-Р СУРГУУЛЬ",  # capitals and a full-width digit
        ):
            assert set(found(text, 2)) == self.both_erdenebulgan, text

    def test_bayanzurkh_4_finds_school_no_4_of_the_district_first(self):
        for text in ("Bayanzurkh 4", "Баянзүрх 4", "bayanzurh 4-r surguuli", "БЗД 4", "BZD No. 4", "УБ 4"):
            assert found(text, 1) == [self.bayanzurkh_4], text

    def test_arkhangai_hospital_finds_the_aimag_hospital_first(self):
        for text in ("arkhangai hospital", "Архангай эмнэлэг", "arhangai emneleg", "hospital Arkhangai"):
            assert found(text, 1) == [self.arkhangai_hospital], text

    def test_tsetserleg_ranks_the_facilities_of_the_town_before_every_kindergarten(self):
        in_town = ServiceUnit.objects.active().filter(admin_unit__code="6501").count()
        results = found("Tsetserleg", in_town)
        # Tsetserleg is the town of Erdenebulgan soum, Arkhangai's centre (alias data), not a kind.
        assert {f.admin_unit.code for f in results} == {"6501"}
        assert found("Цэцэрлэг", in_town) == results
        # The kindergartens elsewhere still come, after the town and the two soums named Tsetserleg.
        everything = list(search_facilities("Tsetserleg"))
        first_elsewhere = next(i for i, f in enumerate(everything) if f.admin_unit.code not in {"6501", "6549", "6758"})
        assert all(f.kind == ServiceUnit.Kind.KINDERGARTEN for f in everything[first_elsewhere:])

    def test_small_typos_still_find_the_facility(self):
        for text, expected in (
            ("Erdenbulgan 1-r surguuli", self.both_erdenebulgan),  # a letter missing
            ("surguuli erdenebulgna", self.both_erdenebulgan),  # two letters swapped
            ("Erdenebylgan School No 1", self.both_erdenebulgan),  # a wrong letter
            ("arkhangai hospitl", {self.arkhangai_hospital}),
            ("Arhkangai hospital", {self.arkhangai_hospital}),
        ):
            assert set(found(text, len(expected))) == expected, text

    def test_an_exact_word_ranks_before_a_typo(self):
        exact = found("Battsengel", 1)[0]
        assert exact.admin_unit.code == "6504"
        # "Bulgan" is a soum of Arkhangai and an aimag: typed exactly, it never ranks a fuzzy "Bulgun" first.
        assert all("bulgan" in f.search_name + f.search_place for f in found("Bulgan", 20))

    # Places by every name people use ------------------------------------------------------

    def test_an_aimag_centre_is_found_by_its_town_name_in_either_script(self):
        for text in ("Mörön", "Moron", "Мөрөн", "murun"):
            assert {f.admin_unit.code for f in found(text, 10)} == {"6701"}, text
        # Khovd is also an aimag and a soum: facilities named after it come first, the town's first of all.
        khovd = found("Khovd", 60)
        assert khovd[0].admin_unit.code == "8401"
        town = [i for i, f in enumerate(khovd) if f.admin_unit.code == "8401"]
        assert len(town) == ServiceUnit.objects.active().filter(admin_unit__code="8401").count()
        assert all(f.admin_unit.code in {"8401", "8440"} for f in khovd[: town[-1]])

    def test_ub_and_district_abbreviations_find_the_capital_and_its_districts(self):
        for text in ("UB", "УБ", "Улаанбаатар", "ulaanbaatar"):
            assert {f.admin_unit.parent.code for f in search_facilities(text)} == {"11"}, text
        for text, district in (("СХД", "1116"), ("SKhD", "1116"), ("ЧД", "1125"), ("chd", "1125"), ("bzd", "1110")):
            assert {f.admin_unit.code for f in search_facilities(text)} == {district}, text

    def test_aliases_are_data_and_a_new_alias_is_searchable_at_once(self):
        soum = AdminUnit.objects.get(code="6504")
        assert soum.aliases == ""
        soum.aliases = "Батцэнгэл төв; Khujirt tolgoi"
        soum.save()
        assert {f.admin_unit.code for f in search_facilities("khujirt tolgoi")} == {"6504"}
        assert AdminUnit.objects.get(code="6501").aliases == "Цэцэрлэг; Tsetserleg"

    # Kinds and numbers --------------------------------------------------------------------

    def test_kind_words_and_abbreviations_find_the_kind(self):
        fhc = {ServiceUnit.Kind.FAMILY_HEALTH_CENTRE, ServiceUnit.Kind.SOUM_HEALTH_CENTRE}
        assert {f.kind for f in search_facilities("ЭМТ Эрдэнэбулган")} == fhc
        assert {f.kind for f in search_facilities("kindergarten erdenebulgan")} == {ServiceUnit.Kind.KINDERGARTEN}
        assert found("цэцэрлэг Эрдэнэбулган", 1)[0].kind == ServiceUnit.Kind.KINDERGARTEN
        assert {f.kind for f in search_facilities("pharmacy Khovd")} == {ServiceUnit.Kind.PHARMACY}

    def test_every_way_of_writing_number_1_reads_as_the_number(self):
        for text in ("1-р", "1-r", "1р", "No. 1", "No 1", "№1", "№ 1", "#1", "１"):
            assert [t.word for t in parse(text)] == ["1"], text
        # A number is a whole word: school No. 1 is not No. 12.
        assert all(" 1 " in f.search_name for f in search_facilities("Bayanzurkh 1"))

    def test_a_query_that_no_facility_matches_whole_lists_those_matching_most_words(self):
        results = found("Эрдэнэбулган сумын 1-р сургууль Zzyzx", 2)
        assert set(results) == self.both_erdenebulgan

    def test_a_public_or_registry_code_finds_its_facility(self):
        facility = self.erdenebulgan_arkhangai
        assert found(facility.code.lower()) == [facility]
        assert found(facility.registry_code) == [facility]

    def test_search_keeps_to_an_area_and_a_kind(self):
        arkhangai = AdminUnit.objects.get(code="65")
        assert found("Erdenebulgan 1", 10, area=arkhangai)[0] == self.erdenebulgan_arkhangai
        assert all(f.admin_unit.parent.code == "65" for f in search_facilities("Erdenebulgan", area=arkhangai))
        schools = search_facilities("Erdenebulgan", kind=ServiceUnit.Kind.GENERAL_SCHOOL)
        assert {f.kind for f in schools} == {ServiceUnit.Kind.GENERAL_SCHOOL}

    def test_an_empty_or_stop_word_query_filters_nothing(self):
        active = ServiceUnit.objects.active().count()
        assert search_facilities("").count() == active
        assert search_facilities("  ").count() == active
        assert search_facilities("zzzqqqxx").count() == 0

    def test_bulk_created_facilities_fill_the_vocabulary_of_typos(self):
        assert SearchTerm.objects.filter(word="erdenebulgan").exists()
        assert SearchTerm.objects.filter(word="tsetserleg").exists()

    # The pages that search -----------------------------------------------------------------

    def test_the_facility_list_shows_the_aimag_when_two_facilities_share_a_name(self):
        response = self.client.get("/facilities/", {"q": "erdenebulgan 1-r surguuli"}, HTTP_ACCEPT_LANGUAGE="mn")
        html = response.content.decode()
        assert list(response.context["page"])[:2] == sorted(self.both_erdenebulgan, key=lambda f: f.pk)
        assert "Эрдэнэбулган, Архангай" in html and "Эрдэнэбулган, Хөвсгөл" in html

    def test_the_facility_list_query_count_does_not_grow_with_results(self):
        def queries(text):
            with CaptureQueriesContext(connection) as captured:
                assert self.client.get("/facilities/", {"q": text}).status_code == 200
            return len(captured)

        few, many = "erdenebulgan 1-r surguuli", "surguuli Arkhangai"
        assert search_facilities(few).count() < 5 < 25 < search_facilities(many).count()
        assert queries(few) == queries(many) <= 7
        assert queries("Tsetserleg") <= 6

    def test_the_list_counts_a_search_s_matches_up_to_its_cap_and_a_plain_list_exactly(self):
        with mock.patch.object(RankedPaginator, "cap", 100):
            response = self.client.get("/facilities/", {"q": "Tsetserleg"}, HTTP_ACCEPT_LANGUAGE="en")
            assert response.context["page"].paginator.count == 100
            assert "More than 100 facilities found" in response.content.decode()
            everything = self.client.get("/facilities/").context["page"].paginator
            assert everything.count == ServiceUnit.objects.active().count() > 100

    def test_step_1_of_the_feedback_form_uses_the_same_search(self):
        response = self.client.get("/feedback/new/", {"q": "surguuli erdenebulgan"})
        assert set(list(response.context["results"])[:2]) == self.both_erdenebulgan
        assert f"?facility={self.erdenebulgan_arkhangai.code}" in response.content.decode()

    def test_the_rest_api_ranks_by_the_same_search(self):
        response = self.client.get("/api/v1/facilities/", {"q": "Bayanzurkh 4"})
        assert response.status_code == 200
        assert response.json()["results"][0]["code"] == self.bayanzurkh_4.code
        ordered = self.client.get("/api/v1/facilities/", {"q": "Bayanzurkh 4", "ordering": "-name"}).json()
        assert [r["name"] for r in ordered["results"]] == sorted((r["name"] for r in ordered["results"]), reverse=True)

    def test_the_back_office_finds_facilities_with_the_same_search(self):
        admin = get_user_model().objects.create_superuser(email="search-admin@example.org", password="x-123456789")
        self.client.force_login(admin)
        response = self.client.get("/admin/places/serviceunit/", {"q": "erdenebulgan 1-r surguuli"})
        assert response.status_code == 200
        assert set(response.context["cl"].result_list) >= self.both_erdenebulgan
        assert response.context["cl"].result_count == 4  # the two schools and their dormitories

    # Browsing without typing, and near me -------------------------------------------------

    def test_browsing_goes_from_an_aimag_to_a_soum_to_its_facilities_by_kind(self):
        aimag = self.client.get("/feedback/new/", {"area": "65"}).content.decode()
        assert '<a href="?area=6501">' in aimag and "?place=6501" in aimag
        soum = self.client.get("/feedback/new/", {"area": "6501"})
        groups = dict(soum.context["facilities_by_kind"])
        assert self.erdenebulgan_arkhangai in groups[ServiceUnit.Kind.GENERAL_SCHOOL.label]
        assert f"?facility={self.erdenebulgan_arkhangai.code}" in soum.content.decode()
        assert "?place=6501" in soum.content.decode()

    def test_a_places_page_links_each_kind_to_its_facilities(self):
        html = self.client.get("/places/6501/").content.decode()
        assert "/facilities/?area=6501&amp;kind=general_school" in html
        listed = self.client.get("/facilities/", {"area": "6501", "kind": "general_school"}).context["page"]
        assert self.erdenebulgan_arkhangai in list(listed)
        assert {f.admin_unit.code for f in listed} == {"6501"}
        assert {f.kind for f in listed} == {ServiceUnit.Kind.GENERAL_SCHOOL}

    def test_facilities_near_a_point_come_nearest_first(self):
        here = (self.erdenebulgan_arkhangai.latitude, self.erdenebulgan_arkhangai.longitude)
        assert here[0] is not None
        nearest = list(facilities_near(*here)[:10])
        assert nearest[0] == self.erdenebulgan_arkhangai
        distances = [f.distance_km for f in nearest]
        assert distances == sorted(distances) and distances[0] < 0.01
        response = self.client.get("/facilities/", {"near": f"{here[0]},{here[1]}"})
        assert next(iter(response.context["page"])) == self.erdenebulgan_arkhangai

    def test_a_bad_position_is_a_clear_error_not_a_crash(self):
        for near in ("abc", "1,2", "47.5", "47.5,101.4,3"):
            response = self.client.get("/facilities/", {"near": near}, HTTP_ACCEPT_LANGUAGE="en")
            assert response.status_code == 200, near
            assert response.context["form"].errors["near"], near

    # A query of kind words at national scale (PostgreSQL) ----------------------------------

    KIND_QUERIES = ("kindergarten", "Tsetserleg", "Цэцэрлэг", "ЭМТ", "apteka", "dotuur bair", "hospital")

    @unittest.skipUnless(connection.vendor == "postgresql", "the bounded ranking is PostgreSQL's")
    def test_a_kind_word_query_ranks_only_the_rows_that_can_be_shown_and_they_rank_as_in_full(self):
        for text in self.KIND_QUERIES:
            with mock.patch.object(search, "_kinds_of_kind_words", return_value=[]):
                full = list(search_facilities(text))
            assert len(full) > 7, text
            with mock.patch.object(search, "RANKED_ROWS", 6):
                bounded = search_facilities(text)
                assert list(bounded[:6]) == full[:6], text
                assert bounded.count() < len(full), text  # the rest of a kind is never ranked
            assert list(search_facilities(text)[:25]) == full[:25], text

    @unittest.skipUnless(connection.vendor == "postgresql", "the plan is PostgreSQL's")
    def test_a_kind_word_query_reads_its_kind_in_index_order_without_sorting_the_whole_match(self):
        def plan(text):
            sql, params = search_facilities(text)[:25].query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")  # as on a national table, not the demo's
                cursor.execute("EXPLAIN " + sql, params)
                return "\n".join(row[0] for row in cursor.fetchall())

        for text in ("kindergarten", "ЭМТ"):
            explained = plan(text)
            assert "Index Scan using serviceunit_kind_rank_mn" in explained, explained
            assert re.search(r"Limit[^\n]*\n\s*->\s*Index Scan using serviceunit_kind_rank_mn", explained), explained
            # The index of the whole match (a third of the country) is not read at all.
            assert not re.search(r"on serviceunit_search_fts\b(?!_)", explained), explained
        # A name word still ranks every match: the bound is only for rows that rank alike.
        assert "serviceunit_kind_rank" not in plan("Erdenebulgan kindergarten")


# Folding and typos, without a database --------------------------------------------------


def test_search_words_fold_scripts_and_cut_numbers_from_letters():
    assert search_words("Эрдэнэбулган сумын 1-р сургууль") == search_words("Erdenebulgan sumiin 1-r surguuli")
    assert search_words("Өвөрхангай") == search_words("Uvurhangai") == search_words("Övörkhangai")
    assert search_words("№１") == ["nu", "1"]


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("erdenebulgan", "erdenbulgan", 1), ("erdenebulgan", "erdenebulgna", 1), ("hospital", "hopsital", 1)],
)
def test_a_swap_of_two_letters_is_one_typo(a, b, distance):
    assert typo_distance(a, b, 2) == distance
