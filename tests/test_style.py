from dashboard.style import marker_radius


def test_radius_grows_with_fatalities_and_unknown_is_smallest():
    assert marker_radius(None) == marker_radius(0) == 4.0
    assert marker_radius(1) < marker_radius(10) < marker_radius(100) <= 18.0


def test_the_data_readme_states_the_type_colours_the_code_draws():
    import re

    from dashboard.style import EVENT_TYPE_COLOURS
    from tests.helpers import ROOT

    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    documented = dict(re.findall(r"^\| ([A-Z][\w/ ]+?) \| `(#[0-9A-F]{6})` \|", readme, re.M))
    assert documented == EVENT_TYPE_COLOURS
