"""Tests for the OCDS reader: Handover's own OCDS files, document shapes, bad input, streaming."""

from __future__ import annotations

import copy
import io
import json
import time
import tracemalloc
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.imports.ocds_read import (
    ContractData,
    OcdsError,
    OcdsSkipError,
    SupplierData,
    is_newer_release,
    iter_releases,
    map_release,
    release_sort_key,
)
from tests.imports.helpers import (
    BAD,
    CF_STYLE,
    FIXTURES,
    PACKAGE,
    RECORD,
    STAGE_FILES,
    STAGES,
    read_file,
)


def read_bytes(data: bytes) -> list[ContractData]:
    return [map_release(rel, where) for where, rel in iter_releases(io.BytesIO(data))]


def read_doc(doc: Any) -> list[ContractData]:
    return read_bytes(json.dumps(doc).encode())


def error_of(doc: Any) -> OcdsError:
    with pytest.raises(OcdsError) as info:
        read_bytes(doc if isinstance(doc, bytes) else json.dumps(doc).encode())
    return info.value


# --- Handover's own fixtures: every shape the importer handles -------------------------------


def test_contracts_finder_style_release_field_by_field() -> None:
    [(where, c)] = read_file(CF_STYLE)
    assert where == "releases[0]"
    assert (c.ocid, c.release_id) == ("ocds-hvtest-cf-0002", "ocds-hvtest-cf-0002-award")
    assert c.release_date == datetime(2020, 4, 9, tzinfo=UTC)
    # awards[0].title is "" and its description boilerplate: the tender's texts are used,
    # their entities (escaped twice, as Contracts Finder does) decoded.
    assert c.title == "Internal audit support & assurance"
    assert c.description == "Internal audit, counter-fraud and assurance services."
    # The buyer's GB-SRS identifier has an empty id: no identifier rather than "GB-SRS-".
    assert (c.buyer_name, c.buyer_identifier) == ("AMBRIDGE & DISTRICT HEALTH BOARD", None)
    assert c.suppliers == (
        SupplierData("Grundy & Sons (Audit) Ltd", "00874637", "GB-COH", "874637"),
        SupplierData("Felpersham Data LLP", "SC177530", "GB-COH", "SC177530"),
        SupplierData("Hollerton Print", None, None, None),
    )
    # The award value (93527.5) wins over tender.value (755000); dates from the award.
    assert (c.value_amount, c.value_currency) == (Decimal("93527.5"), "GBP")
    assert (c.start_date, c.end_date, c.dates_source) == (
        date(2020, 5, 1),
        date(2024, 4, 30),
        "awards",
    )
    assert (c.max_end_date, c.date_signed, c.amendments) == (None, None, ())
    assert json.loads(json.dumps(c.raw))["ocid"] == c.ocid


def test_several_awards_take_the_first_period_and_every_supplier_once() -> None:
    [(_, c)] = read_file(FIXTURES / "multi-award.json")
    assert c.title == "Lot 1: revenues and benefits software"
    assert (c.value_amount, c.start_date, c.end_date) == (
        Decimal(3200000),
        date(2022, 10, 1),
        date(2027, 9, 30),
    )
    # Lot 2 names Loxley Barrett again under another party id and a short number.
    assert [(s.name, s.companies_house_number) for s in c.suppliers] == [
        ("Loxley Barrett Systems Ltd", "07234567"),
        ("Penny Hassett Hosting Ltd", "08123456"),
    ]


def test_amounts_keep_their_currency_and_every_digit() -> None:
    rows = [c for _, c in read_file(FIXTURES / "currencies.json")]
    assert [(c.value_amount, c.value_currency) for c in rows] == [
        (Decimal("1234.565"), "GBP"),
        (Decimal("98000.10"), "EUR"),
        (Decimal(250000), "USD"),  # "usd" as published
        (Decimal(15000000), "JPY"),
    ]


def test_a_framework_lists_its_suppliers_and_a_call_off_is_a_contract() -> None:
    [(_, framework), (_, call_off)] = read_file(FIXTURES / "framework.json")
    assert len(framework.suppliers) == 101
    assert (framework.value_amount, framework.end_date) == (None, date(2025, 7, 31))
    assert [s.companies_house_number for s in call_off.suppliers] == ["09000007"]
    assert (call_off.value_amount, call_off.end_date) == (Decimal(180000), date(2022, 8, 31))


def test_lifecycle_package_has_five_stages_in_date_order() -> None:
    rows = read_file(PACKAGE)
    assert [w for w, _ in rows] == [f"releases[{i}]" for i in range(5)]
    contracts = [c for _, c in rows]
    assert [c.release_id for c in contracts] == [
        f"ocds-hvtest-0001-0{i + 1}-{s}" for i, s in enumerate(STAGES)
    ]
    assert contracts == sorted(contracts, key=release_sort_key)
    assert [c.dates_source for c in contracts] == ["tender"] * 2 + ["awards"] + ["contracts"] * 2
    singles = []
    for path in STAGE_FILES:
        [(where, contract)] = read_file(path)
        assert where == "releases[0]"
        singles.append(contract)
    assert singles == contracts
    latest = None
    for contract in singles:
        assert is_newer_release(contract.release_date, latest)
        latest = contract.release_date
    assert not is_newer_release(singles[0].release_date, singles[-1].release_date)


def test_lifecycle_stages_carry_amendments_signature_and_extent() -> None:
    stage = {s: read_file(path)[0][1] for s, path in zip(STAGES, STAGE_FILES, strict=True)}
    assert stage["tenderAmendment"].amendments == (
        {
            "id": "BCC-NET-2021-A1",
            "date": "2021-02-01T10:00:00+00:00",
            "rationale": "Scope extended to the county libraries",
            "description": "Twelve library sites added to the network",
            "path": "tender.amendments[0]",
        },
    )
    assert stage["tenderAmendment"].value_amount == Decimal(1100000)
    contract = stage["contract"]
    assert (contract.date_signed, contract.max_end_date) == (date(2021, 5, 18), date(2026, 5, 31))
    # "2024-05-31T23:59:00+01:00" is the 31st as written: no shifting to UTC.
    assert contract.end_date == date(2024, 5, 31)
    # Spreadsheet-damaged "3456789.0" is read as Companies House number 03456789.
    assert [s.companies_house_number for s in contract.suppliers] == ["03456789"]
    extended = stage["implementation"]
    assert extended.end_date == date(2025, 5, 31)
    assert [a["path"] for a in extended.amendments] == ["contracts[0].amendments[0]"]


def test_record_package_yields_the_compiled_release_and_skips_a_bare_record() -> None:
    rows: list[tuple[str, ContractData | OcdsSkipError]] = []
    with RECORD.open("rb") as fh:
        for where, rel in iter_releases(fh):
            try:
                rows.append((where, map_release(rel, where)))
            except OcdsSkipError as exc:
                rows.append((where, exc))
    (where, compiled), (bare_where, bare) = rows
    assert isinstance(compiled, ContractData)  # the record's compiled release was mapped
    assert where == "records[0].compiledRelease"
    assert compiled.release_id == "ocds-hvtest-0001-compiled-2023-01-10"
    last = read_file(STAGE_FILES[-1])[0][1]
    for field in ("ocid", "release_date", "title", "description", "buyer_name", "suppliers"):
        assert getattr(compiled, field) == getattr(last, field), field
    for field in ("value_amount", "start_date", "end_date", "max_end_date", "date_signed"):
        assert getattr(compiled, field) == getattr(last, field), field
    # The compiled release keeps the tender amendment the last release no longer carries.
    assert [a["path"] for a in compiled.amendments] == [
        "tender.amendments[0]",
        "contracts[0].amendments[0]",
    ]
    assert bare_where == "records[1]"
    assert (
        isinstance(bare, OcdsSkipError) and str(bare) == "records[1]: record has no compiledRelease"
    )


@pytest.mark.parametrize(
    ("name", "path", "message"),
    [
        ("empty.json", "$", "invalid JSON: the document is empty"),
        ("truncated.json", "releases[1]", "premature EOF"),
        ("not-ocds.json", "$", "not an OCDS release or record package"),
        ("no-ocid.json", "releases[1].ocid", "missing or empty ocid"),
        ("impossible-date.json", "releases[0].date", "unparsable date '2023-02-30T00:00:00Z'"),
        (
            "end-before-start.json",
            "releases[3].awards[0].contractPeriod.endDate",
            "end date 2019-01-01 is before start date 2023-04-01",
        ),
        (
            "bad-currency.json",
            "records[0].compiledRelease.awards[0].value.currency",
            "'POUNDS' is not a 3-letter ISO 4217 code",
        ),
    ],
)
def test_bad_files_name_the_json_path(name: str, path: str, message: str) -> None:
    with pytest.raises(OcdsError) as info:
        read_file(BAD / name)
    assert info.value.path == path
    assert message in info.value.message


# --- document shapes ------------------------------------------------------------------------


def release(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "ocid": "ocds-test-1",
        "id": "ocds-test-1-award",
        "date": "2020-03-01T00:00:00Z",
        "tag": ["award"],
        "awards": [
            {
                "id": "a1",
                "value": {"amount": 100.5, "currency": "GBP"},
                "contractPeriod": {
                    "startDate": "2020-01-01T00:00:00Z",
                    "endDate": "2021-01-01T00:00:00Z",
                },
            }
        ],
    }
    base.update(overrides)
    return base


def test_top_level_keys_in_any_order() -> None:
    doc = b'{"releases": [%s], "version": "1.1", "publisher": {"name": "x", "releases": 1}}'
    [c] = read_bytes(doc % json.dumps(release()).encode())
    assert c.value_amount == Decimal("100.5")


def test_bare_release_is_path_dollar() -> None:
    [(where, rel)] = list(iter_releases(io.BytesIO(json.dumps(release()).encode())))
    assert where == "$"
    assert map_release(rel, where).ocid == "ocds-test-1"


def test_record_without_compiled_release_is_a_skip() -> None:
    doc = {
        "records": [
            {"ocid": "ocds-x", "releases": [{"url": "http://x"}]},
            {"ocid": "ocds-y", "compiledRelease": release()},
        ]
    }
    items = list(iter_releases(io.BytesIO(json.dumps(doc).encode())))
    assert [w for w, _ in items] == ["records[0]", "records[1].compiledRelease"]
    with pytest.raises(OcdsSkipError) as info:
        map_release(items[0][1], items[0][0])
    assert (info.value.path, info.value.ocid) == ("records[0]", "ocds-x")
    assert str(info.value) == "records[0]: record has no compiledRelease"
    assert map_release(items[1][1], items[1][0]).ocid == "ocds-test-1"


def test_blanks_and_nulls_are_missing_not_errors() -> None:
    rel = release(
        buyer={"id": "b", "name": ""},
        parties=[
            {
                "id": "b",
                "roles": ["buyer"],
                "name": "Council",
                "identifier": {"scheme": "", "id": ""},
            },
            {
                "id": "s",
                "roles": None,
                "name": "Acme",
                "identifier": None,
                "additionalIdentifiers": [{"scheme": "GB-COH", "id": " 1234567 "}],
            },
        ],
        awards=[
            {
                "value": {"amount": None, "currency": ""},
                "suppliers": [{"id": "s", "name": None}, {"id": "s"}],
                "contractPeriod": None,
                "title": None,
            }
        ],
        tender={
            "title": "T",
            "value": {"amount": "250", "currency": "gbp"},
            "contractPeriod": {"startDate": "", "endDate": None},
        },
        contracts=None,
    )
    [c] = read_doc({"releases": [rel]})
    assert (c.buyer_name, c.buyer_identifier, c.title) == ("Council", None, "T")
    assert c.suppliers == (SupplierData("Acme", "01234567", None, None),)
    assert (c.value_amount, c.value_currency) == (Decimal(250), "GBP")
    assert (c.start_date, c.end_date, c.dates_source) == (None, None, None)


def test_naive_release_date_is_taken_as_utc() -> None:
    [c] = read_doc({"releases": [release(date="2020-03-01T10:00:00")]})
    assert c.release_date == datetime(2020, 3, 1, 10, tzinfo=UTC)


def test_map_release_accepts_floats_from_json_load() -> None:
    rel = json.loads(json.dumps(release()))
    assert map_release(rel, "releases[0]").value_amount == Decimal("100.5")


# --- bad input ------------------------------------------------------------------------


def test_invalid_json_reports_position() -> None:
    err = error_of(b'{"releases": [{"ocid": "x",}]}')
    assert err.path == "releases[0]"
    assert "invalid JSON" in err.message
    assert "invalid object key" in err.message and ">>>" in err.message


@pytest.mark.parametrize(
    ("data", "detail"),
    [(b"", "the document is empty"), (b"\xff\xfe{}", "invalid char in json text")],
)
def test_empty_or_binary_input(data: bytes, detail: str) -> None:
    err = error_of(data)
    assert err.path == "$"
    assert detail in err.message


def test_truncated_json() -> None:
    err = error_of(b'{"releases": [' + json.dumps(release()).encode() + b", {")
    assert err.path == "releases[1]"
    assert "premature EOF" in err.message


@pytest.mark.parametrize(
    ("doc", "detail"),
    [
        ([release()], "the document is an array"),
        ({"hello": "world"}, "no 'releases' or 'records'"),
        ({"releases": {}}, "'releases' is not an array"),
        ("x", "a single value"),
    ],
)
def test_not_ocds(doc: Any, detail: str) -> None:
    err = error_of(doc)
    assert err.message.startswith("not an OCDS release or record package")
    assert detail in err.message
    assert err.path in ("$", "releases")


def test_release_without_ocid() -> None:
    err = error_of({"releases": [release(), release(ocid="  ", id="second")]})
    assert (err.path, err.release_id) == ("releases[1].ocid", "second")
    assert str(err) == "releases[1] (id second): ocid: missing or empty ocid"


def test_release_without_date() -> None:
    err = error_of({"releases": [release(date=None)]})
    assert (err.path, err.message) == ("releases[0].date", "missing release date")


def test_end_before_start() -> None:
    rel = release()
    rel["awards"][0]["contractPeriod"] = {
        "startDate": "2020-01-01T00:00:00Z",
        "endDate": "2019-01-01T00:00:00Z",
    }
    err = error_of({"releases": [rel]})
    assert err.path == "releases[0].awards[0].contractPeriod.endDate"
    assert str(err) == (
        "releases[0] (id ocds-test-1-award): awards[0].contractPeriod.endDate: "
        "end date 2019-01-01 is before start date 2020-01-01"
    )


def test_max_extent_before_end() -> None:
    rel = release(
        contracts=[
            {
                "period": {
                    "startDate": "2020-01-01",
                    "endDate": "2021-01-01",
                    "maxExtentDate": "2020-06-01",
                }
            }
        ]
    )
    err = error_of({"releases": [rel]})
    assert err.path == "releases[0].contracts[0].period.maxExtentDate"
    assert "before end date 2021-01-01" in err.message


@pytest.mark.parametrize("bad", ["2020-02-30T00:00:00Z", "next tuesday", "2020-13-01"])
def test_unparsable_date(bad: str) -> None:
    rel = release()
    rel["awards"][0]["contractPeriod"]["startDate"] = bad
    err = error_of({"releases": [rel]})
    assert err.path == "releases[0].awards[0].contractPeriod.startDate"
    assert err.message == f"unparsable date {bad!r}"


def test_unparsable_release_date_in_bare_release() -> None:
    err = error_of(release(date="yesterday"))
    assert err.path == "$.date"
    assert str(err) == "$ (id ocds-test-1-award): date: unparsable date 'yesterday'"


def test_negative_amount() -> None:
    rel = release(tender={"value": {"amount": -5, "currency": "GBP"}})
    err = error_of({"releases": [rel]})
    assert (err.path, err.message) == ("releases[0].tender.value.amount", "negative amount -5")


@pytest.mark.parametrize("currency", ["POUNDS", "£", "G1P", 826])
def test_bad_currency(currency: Any) -> None:
    rel = release()
    rel["awards"][0]["value"]["currency"] = currency
    err = error_of({"records": [{"ocid": "ocds-test-1", "compiledRelease": rel}]})
    assert err.path == "records[0].compiledRelease.awards[0].value.currency"
    assert "is not a 3-letter ISO 4217 code" in err.message


def test_non_numeric_amount() -> None:
    rel = release()
    rel["awards"][0]["value"]["amount"] = "lots"
    assert error_of({"releases": [rel]}).message == "amount 'lots' is not a number"


# --- streaming ------------------------------------------------------------------------------


def write_big_package(path: Path, count: int) -> None:
    template = release()
    with path.open("w") as fh:
        fh.write('{"version": "1.1", "releases": [')
        for i in range(count):
            rel = copy.deepcopy(template)
            rel["ocid"] = rel["id"] = f"ocds-big-{i}"
            fh.write(("," if i else "") + json.dumps(rel))
        fh.write('], "publishedDate": "2024-01-01T00:00:00Z"}')


def test_streams_100k_releases_in_bounded_memory(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    count = 100_000
    write_big_package(big, count)
    size = big.stat().st_size

    started = time.perf_counter()
    with big.open("rb") as fh:
        seen = sum(1 for _ in iter_releases(fh))
    read_rate = count / (time.perf_counter() - started)
    assert seen == count

    started = time.perf_counter()
    with big.open("rb") as fh:
        mapped = [map_release(rel, where).ocid for where, rel in iter_releases(fh)][-1]
    map_rate = count / (time.perf_counter() - started)
    assert mapped == f"ocds-big-{count - 1}"

    tracemalloc.start()
    try:
        with big.open("rb") as fh:
            for where, rel in iter_releases(fh):
                map_release(rel, where)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < size / 20, (peak, size)
    print(
        f"\n[ocds] {count} releases, {size / 1e6:.1f} MB: read {read_rate:,.0f}/s, "
        f"read+map {map_rate:,.0f}/s, peak {peak / 1e3:.0f} kB"
    )
