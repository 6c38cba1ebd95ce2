from datetime import date

import pytest

from transforms.dates import find_dates, iso_datetime, parse_date, parse_iso_datetime, parse_stamp


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Published on 09 - 10 - 2020", date(2020, 10, 9)),
        ("dated 12/8/2020 of the", date(2020, 8, 12)),  # day first
        ("17/01/2020", date(2020, 1, 17)),
        ("09.10.2020", date(2020, 10, 9)),
        ("On October 9, 2020, the", date(2020, 10, 9)),
        ("on 9 October 2020", date(2020, 10, 9)),
        ("of 30 December, 2022", date(2022, 12, 30)),
        ("Oct. 9, 2020", date(2020, 10, 9)),
        ("Sept 1st, 2021", date(2021, 9, 1)),
        ("2020-10-09", date(2020, 10, 9)),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2011-2020", "31/02/2020", "level 3 and 4", "", "13/13/2020", "No. 12/2020/QD-UBND"])
def test_no_date(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("(13/10/2020 4:58 CH)", "2020-10-13T16:58:00+07:00"),
        ("(08/10/2020 10:16 SA)", "2020-10-08T10:16:00+07:00"),
        ("(01/03/2021 12:05 CH)", "2021-03-01T12:05:00+07:00"),  # 12:05 CH is noon
        ("(01/03/2021 12:40 SA)", "2021-03-01T00:40:00+07:00"),  # 12:40 SA is 00:40
        ("13/10/2020 16:58", "2020-10-13T16:58:00+07:00"),
        ("13/10/2020 4:58 PM", "2020-10-13T16:58:00+07:00"),
    ],
)
def test_stamps_are_portal_time(text, expected):
    assert iso_datetime(parse_stamp(text)) == expected


def test_stamp_needs_a_time():
    assert parse_stamp("Published on 09 - 10 - 2020") is None


@pytest.mark.parametrize(
    "value, day, moment",
    [
        ("2020-10-09T08:12:00+07:00", "2020-10-09", "2020-10-09T08:12:00+07:00"),
        ("2020-10-09T01:12:00Z", "2020-10-09", "2020-10-09T08:12:00+07:00"),
        ("2020-10-08T20:00:00-05:00", "2020-10-09", "2020-10-09T08:00:00+07:00"),
        ("2020-10-09T08:12", "2020-10-09", "2020-10-09T08:12:00+07:00"),  # naive = portal time
        ("2020-10-09", "2020-10-09", None),
    ],
)
def test_iso_datetime(value, day, moment):
    got_day, got_moment = parse_iso_datetime(value)
    assert got_day.isoformat() == day
    assert iso_datetime(got_moment) == moment


@pytest.mark.parametrize("value", ["", "yesterday", "2020-13-40T99:00", None])
def test_bad_iso_datetime(value):
    assert parse_iso_datetime(value) == (None, None)


def test_find_dates_in_order():
    text = "Decision dated 12/8/2020 and Resolution of October 25, 2017"
    assert [d.value for d in find_dates(text)] == [date(2020, 8, 12), date(2017, 10, 25)]
