import numpy as np
import pytest

import numdiff as nd


def f(x):
    return np.sum(np.asarray(x) ** 2)


@pytest.mark.parametrize("fn", [nd.derivative, nd.gradient, nd.jacobian])
@pytest.mark.parametrize("kwargs, exc, word", [
    ({"method": "spline"}, ValueError, "method"),
    ({"method": 3}, TypeError, "method"),
    ({"order": 3}, ValueError, "order"),
    ({"order": 0}, ValueError, "order"),
    ({"order": 2.5}, TypeError, "order"),
    ({"step": -1.0}, ValueError, "step"),
    ({"step": 0.0}, ValueError, "step"),
    ({"step": [1e-3, 1e-3, 1e-3]}, ValueError, "step"),
    ({"bounds": (0.0,)}, ValueError, "bounds"),
    ({"bounds": (2.0, 3.0)}, ValueError, "outside bounds"),
    ({"bounds": (1.0, 0.0)}, ValueError, "lb < ub"),
    ({"args": 3}, TypeError, "args"),
    ({"kwargs": [1]}, TypeError, "kwargs"),
    ({"adaptive": "yes"}, TypeError, "adaptive"),
])
def test_bad_options(fn, kwargs, exc, word):
    with pytest.raises(exc, match=word):
        fn(f, [0.5, 1.0], **kwargs)


@pytest.mark.parametrize("fn", [nd.derivative, nd.gradient, nd.jacobian])
def test_bad_x_and_f(fn):
    with pytest.raises(TypeError, match="f must be callable"):
        fn(3.0, 1.0)
    with pytest.raises(ValueError, match="x must be finite"):
        fn(f, [1.0, np.nan])
    with pytest.raises(ValueError, match="x must not be empty"):
        fn(f, [])
    with pytest.raises(TypeError, match="x must be real"):
        fn(f, [1 + 2j])
    with pytest.raises(TypeError, match="x must be"):
        fn(f, ["a"])


def test_n_out_of_range():
    for n in (0, 9, -1):
        with pytest.raises(ValueError, match="n must be"):
            nd.derivative(np.sin, 1.0, n=n)


def test_f_returning_wrong_things():
    with pytest.raises(ValueError, match="scalar"):
        nd.gradient(lambda x: x, [1.0, 2.0])
    with pytest.raises(TypeError, match="real numbers"):
        nd.gradient(lambda x: "abc", [1.0, 2.0])
    with pytest.raises(TypeError, match="complex"):
        nd.gradient(lambda x: np.sum(x) + 1j, [1.0, 2.0])
    calls = []

    def changing(x):
        calls.append(1)
        return np.zeros(len(calls) % 3 + 1)
    with pytest.raises(ValueError, match="shape"):
        nd.jacobian(changing, [1.0, 2.0])
    with pytest.raises(ValueError, match="elementwise"):
        nd.derivative(lambda x: np.zeros(5), np.ones(3))


def test_jvp_bad_v():
    with pytest.raises(ValueError, match="v must have x's shape"):
        nd.jvp(f, [1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="v must be finite"):
        nd.jvp(f, [1.0, 2.0], [1.0, np.inf])
    with pytest.raises(ValueError, match="step"):
        nd.jvp(f, [1.0, 2.0], [1.0, 1.0], step=[1e-3, 1e-3])


def test_workers_bad():
    with pytest.raises(TypeError, match="workers"):
        nd.gradient(f, [1.0], workers="many")
    with pytest.raises(ValueError, match="workers"):
        nd.gradient(f, [1.0], workers=0)


def test_vectorized_wrong_shape():
    with pytest.raises(ValueError, match="vectorized"):
        nd.gradient(lambda X: np.zeros(3), [1.0, 2.0], vectorized=True)


def _sumsq(x):
    return float(np.sum(np.asarray(x) ** 2))


def test_unpicklable_f_with_process_pool_names_the_fix():
    with pytest.raises(TypeError, match="picklable"):
        nd.gradient(lambda x: np.sum(x), [1.0, 2.0], workers=2)


def test_map_returning_wrong_count():
    with pytest.raises(ValueError, match="workers"):
        nd.gradient(_sumsq, [1.0, 2.0], workers=lambda f, p: [f(q) for q in p][:-1])


def test_ragged_output():
    with pytest.raises(TypeError, match="ragged"):
        nd.jacobian(lambda x: [1.0, [2.0, 3.0]], [1.0])
