"""The cached quantiles are exactly scipy's."""

from __future__ import annotations

import pytest
from scipy import stats

from survey_service.scoring import f_quantile, normal_quantile, t_quantile


@pytest.mark.parametrize("df", [1.0, 2.0, 4.5, 19.0, 119.0, 9999.0, 1e6])
@pytest.mark.parametrize("p", [0.025, 0.95, 0.975, 0.995])
def test_t_quantile_is_scipys(p: float, df: float) -> None:
    expected = float(stats.t.ppf(p, df))
    assert t_quantile(p, df) == expected
    assert t_quantile(p, df) == expected  # and again, from the cache


@pytest.mark.parametrize(("dfn", "dfd"), [(19.0, 76.0), (9999.0, 49995.0), (2.0, 2.0)])
@pytest.mark.parametrize("p", [0.025, 0.975])
def test_f_quantile_is_scipys(p: float, dfn: float, dfd: float) -> None:
    assert f_quantile(p, dfn, dfd) == float(stats.f.ppf(p, dfn, dfd))


@pytest.mark.parametrize("p", [0.95, 0.975, 0.995])
def test_normal_quantile_is_scipys(p: float) -> None:
    assert normal_quantile(p) == float(stats.norm.ppf(p))
