import uuid

from core import throttle


def test_hits_over_the_limit_are_refused_per_key():
    key, other = f"test:{uuid.uuid4()}", f"test:{uuid.uuid4()}"
    assert [throttle.over_limit(key, 3) for _ in range(5)] == [False, False, False, True, True]
    assert throttle.over_limit(other, 3) is False


def test_a_key_that_expires_between_add_and_incr_lets_the_hit_through(monkeypatch):
    # The window ended just after add: incr finds no key and raises, which must not fail the post.
    monkeypatch.setattr(throttle.cache, "add", lambda *args, **kwargs: False)
    assert throttle.over_limit(f"test:{uuid.uuid4()}", 0) is False
