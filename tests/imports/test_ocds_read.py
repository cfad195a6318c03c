"""Tests for the OCDS reader: real Contracts Finder data, the OCDS example, bad input, streaming."""

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
from app.imports.samples import ocds_samples

DATA = ocds_samples() or Path("(no OCDS samples: set HANDOVER_OCDS_SAMPLES)")
CF = DATA / "contracts-finder"
EXAMPLES = DATA / "examples"
CF_FILES = sorted(CF.glob("*.json"))
STAGES = ["planning", "tender", "tenderAmendment", "award", "contract", "implementation"]


def read_file(path: Path) -> list[tuple[str, ContractData]]:
    with path.open("rb") as fh:
        return [(where, map_release(rel, where)) for where, rel in iter_releases(fh)]


def read_bytes(data: bytes) -> list[ContractData]:
    return [map_release(rel, where) for where, rel in iter_releases(io.BytesIO(data))]


def read_doc(doc: Any) -> list[ContractData]:
    return read_bytes(json.dumps(doc).encode())


def error_of(doc: Any) -> OcdsError:
    with pytest.raises(OcdsError) as info:
        read_bytes(doc if isinstance(doc, bytes) else json.dumps(doc).encode())
    return info.value


def cf_release(stem: str) -> tuple[str, ContractData]:
    [(where, contract)] = read_file(CF / f"ocds-b5fd17raw-{stem}.json")
    return where, contract


# --- Contracts Finder (real data) ------------------------------------------------------


def test_there_are_100_contracts_finder_files() -> None:
    assert len(CF_FILES) == 100, f"OCDS samples not found at {DATA}: set HANDOVER_OCDS_SAMPLES"


@pytest.mark.parametrize("path", CF_FILES, ids=lambda p: p.stem[-12:])
def test_every_contracts_finder_file_maps(path: Path) -> None:
    [(where, contract)] = read_file(path)
    assert where == "releases[0]"
    assert contract.ocid == path.stem
    assert contract.release_date.tzinfo is not None
    assert contract.dates_source == "awards"
    assert contract.value_currency == "GBP"
    assert contract.value_amount is not None and contract.value_amount >= 0
    assert contract.start_date is not None and contract.end_date is not None
    assert contract.suppliers and contract.buyer_name and contract.title
    # raw must survive a JSON round trip so persistence can store it beside the contract.
    assert json.loads(json.dumps(contract.raw))["ocid"] == contract.ocid


def test_nda_internal_audit_field_by_field() -> None:
    _, c = cf_release("9c26b900-06ef-4059-8332-7db676c30b8d")
    assert c.ocid == "ocds-b5fd17raw-9c26b900-06ef-4059-8332-7db676c30b8d"
    assert c.release_id == "ocds-b5fd17-9c26b900-06ef-4059-8332-7db676c30b8d-359280-cj000279"
    assert c.release_date == datetime(2020, 4, 9, tzinfo=UTC)
    # awards[0].title is "" in Contracts Finder, so the tender title is used.
    assert c.title == "Internal Audit Support to NDA and its Subsidiary companies"
    assert c.buyer_name == "NUCLEAR DECOMMISSIONING AUTHORITY"
    assert c.buyer_identifier == "GB-GOR-PB197"
    assert c.suppliers == (
        SupplierData("DELOITTE LLP", "OC303675", "GB-COH", "OC303675"),
        SupplierData("Price Waterhouse Coopers Llp", "OC303525", "GB-COH", "OC303525"),
    )
    assert (c.value_amount, c.value_currency) == (Decimal(5000000), "GBP")
    assert (c.start_date, c.end_date) == (date(2020, 5, 1), date(2024, 4, 30))
    assert (c.max_end_date, c.date_signed, c.dates_source) == (None, None, "awards")
    assert c.amendments == ()


def test_media_monitoring_pads_short_companies_house_numbers() -> None:
    _, c = cf_release("24a41253-ebd4-4bd0-83a8-cfb05c4b8acd")
    assert c.title == "RM6134 Media Monitoring and Associated Services"
    assert c.buyer_name == "Crown Commercial Service"
    # The buyer's GB-SRS identifier has an empty id: no identifier rather than "GB-SRS-".
    assert c.buyer_identifier is None
    assert [(s.name, s.companies_house_number, s.identifier_id) for s in c.suppliers] == [
        ("Cision Group Ltd", "00874637", "874637"),
        ("Media Measurement", "02587564", "2587564"),
        ("Precise Media Monitoring TA Kantar Media UK Ltd", "03247942", "3247942"),
        ("Press Data", "SC177530", "SC177530"),
        ("Relx (UK) Ltd TA LexisNexis", "02746621", "2746621"),
    ]
    assert (c.value_amount, c.start_date, c.end_date) == (
        Decimal(10000000),
        date(2020, 6, 1),
        date(2022, 5, 31),
    )
    assert c.dates_source == "awards"


def test_bfi_cannes_blank_identifiers_and_placeholder_description() -> None:
    _, c = cf_release("0054a4e6-0715-42c6-9109-e219fe9d3289")
    assert (
        c.release_id == "ocds-b5fd17-0054a4e6-0715-42c6-9109-e219fe9d3289-358876-2019-210---award"
    )
    assert c.title == "UK Film Presence at Cannes 2020 - AWARD"
    # Award description is Contracts Finder boilerplate; the tender's text is the real one,
    # with its HTML entities decoded.
    assert c.description is not None
    assert c.description.startswith("The UK Film Centre has an umbrella brand 'UK FILM'")
    assert (c.buyer_name, c.buyer_identifier) == ("BFI", None)
    assert c.suppliers == (
        SupplierData("PETER DISPLAYS LTD T/A LIMELIGHT", None, None, None),
        SupplierData("Premier", None, None, None),
    )
    # The award value (93527) wins over tender.value (755000).
    assert (c.value_amount, c.value_currency) == (Decimal(93527), "GBP")
    assert (c.start_date, c.end_date, c.dates_source) == (
        date(2019, 12, 9),
        date(2020, 12, 8),
        "awards",
    )


def test_double_escaped_entities_are_decoded() -> None:
    _, c = cf_release("16089661-35c5-46ab-a633-db4241a717c7")
    names = [s.name for s in c.suppliers]
    assert "GEN II Engineering & Technology Training Ltd (Gen2)" in names
    assert not any("&amp;" in n for n in names)


# --- OCDS fictional example --------------------------------------------------------------


def example_stage(n: int) -> list[tuple[str, ContractData]]:
    return read_file(EXAMPLES / f"ocds-213czf-000-00001-0{n + 1}-{STAGES[n]}.json")


def test_release_package_has_six_stages_in_date_order() -> None:
    rows = read_file(EXAMPLES / "ocds-213czf-000-00001.json")
    assert [w for w, _ in rows] == [f"releases[{i}]" for i in range(6)]
    contracts = [c for _, c in rows]
    assert [c.release_id for c in contracts] == [
        f"ocds-213czf-000-00001-0{i + 1}-{s}" for i, s in enumerate(STAGES)
    ]
    assert contracts == sorted(contracts, key=release_sort_key)
    assert [c.dates_source for c in contracts] == ["tender"] * 3 + ["awards"] + ["contracts"] * 2


def test_single_release_files_match_the_package() -> None:
    package = [c for _, c in read_file(EXAMPLES / "ocds-213czf-000-00001.json")]
    singles = []
    for n in range(6):
        [(where, contract)] = example_stage(n)
        assert where == "releases[0]"
        singles.append(contract)
    assert singles == package
    latest: datetime | None = None
    for contract in singles:
        assert is_newer_release(contract.release_date, latest)
        latest = contract.release_date
    assert latest is not None
    assert not is_newer_release(singles[0].release_date, latest)
    assert not is_newer_release(latest, latest)


def test_stage_details() -> None:
    [(_, amendment)] = example_stage(2)
    assert amendment.amendments == (
        {
            "id": "1.0",
            "date": "2010-03-20T09:45:00+00:00",
            "rationale": (
                "The tender period has been extended in accordance with council guidelines"
            ),
            "description": (
                "The closing date for tender submissions has been extended to 2017-04-08"
            ),
            "path": "tender.amendments[0]",
        },
    )
    [(_, contract)] = example_stage(4)
    assert contract.date_signed == date(2010, 6, 10)
    assert contract.max_end_date == date(2011, 12, 31)
    # "2011-06-30T23:59:00Z" is the 30th as written; no timezone shifting.
    assert contract.end_date == date(2011, 6, 30)


@pytest.mark.parametrize(
    "name", ["record-ocds-213czf-000-00001.json", "record-ocds-213czf-000-00001-withversions.json"]
)
def test_record_package_yields_compiled_release(name: str) -> None:
    [(where, compiled)] = read_file(EXAMPLES / name)
    assert where == "records[0].compiledRelease"
    assert compiled.release_id == "ocds-213czf-000-00001-2011-01-10T09:30:00Z"


def test_implementation_release_agrees_with_compiled_release() -> None:
    [(_, last)] = example_stage(5)
    [(_, compiled)] = read_file(EXAMPLES / "record-ocds-213czf-000-00001.json")
    same = [
        "ocid",
        "release_date",
        "title",
        "description",
        "buyer_name",
        "buyer_identifier",
        "suppliers",
        "value_amount",
        "value_currency",
        "start_date",
        "end_date",
        "max_end_date",
        "date_signed",
        "dates_source",
    ]
    for field in same:
        assert getattr(last, field) == getattr(compiled, field), field
    assert last.suppliers == (
        SupplierData("AnyCorp Cycle Provision", "11111111", "GB-COH", "11111111.0"),
    )
    assert (last.title, last.value_amount) == (
        "Contract to build new cycle lanes in the centre of town.",
        Decimal(11000000),
    )
    # Legitimate differences: the compiled release has its own id, and it keeps the tender
    # amendment from stage 3, which the implementation release (no tender block) does not carry.
    assert last.release_id != compiled.release_id
    assert last.amendments == ()
    assert [a["path"] for a in compiled.amendments] == ["tender.amendments[0]"]


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
