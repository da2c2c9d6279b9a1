from dashboard.style import marker_radius


def test_radius_grows_with_fatalities_and_unknown_is_smallest():
    assert marker_radius(None) == marker_radius(0) == 4.0
    assert marker_radius(1) < marker_radius(10) < marker_radius(100) <= 18.0
