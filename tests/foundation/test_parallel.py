"""fork_map: the same results in the same order as a loop, whatever happens to workers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cardgate.core.parallel import MIN_ITEMS_PER_WORKER, available_jobs, fork_map

ITEMS = list(range(5 * MIN_ITEMS_PER_WORKER + 7))


def _square_with_pid(item: int) -> tuple[int, int]:
    return item * item, os.getpid()


def test_results_match_a_loop_in_order_and_come_from_several_processes() -> None:
    results = fork_map(_square_with_pid, ITEMS, jobs=3)
    assert [value for value, _ in results] == [item * item for item in ITEMS]
    pids = {pid for _, pid in results}
    assert os.getpid() in pids
    assert len(pids) == 3


def test_small_work_and_one_job_stay_in_this_process() -> None:
    few = ITEMS[: MIN_ITEMS_PER_WORKER + 1]
    assert {pid for _, pid in fork_map(_square_with_pid, few, jobs=4)} == {os.getpid()}
    assert {pid for _, pid in fork_map(_square_with_pid, ITEMS, jobs=1)} == {os.getpid()}


def test_cardgate_jobs_sets_the_number_of_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARDGATE_JOBS", "1")
    assert available_jobs() == 1
    assert {pid for _, pid in fork_map(_square_with_pid, ITEMS)} == {os.getpid()}
    monkeypatch.setenv("CARDGATE_JOBS", "nonsense")
    assert available_jobs() >= 1


def test_a_worker_that_dies_is_replaced_by_the_parent_doing_its_share() -> None:
    parent = os.getpid()

    def dies_in_a_child(item: int) -> int:
        if os.getpid() != parent:
            os._exit(3)  # a crash that skips every handler
        return item + 1

    assert fork_map(dies_in_a_child, ITEMS, jobs=2) == [item + 1 for item in ITEMS]


def test_an_unpicklable_result_in_a_worker_falls_back_to_the_parent() -> None:
    parent = os.getpid()

    def unpicklable_in_a_child(item: int) -> object:
        return (lambda: item) if os.getpid() != parent else item

    assert fork_map(unpicklable_in_a_child, ITEMS, jobs=2) == ITEMS


def test_an_error_in_the_parent_share_propagates_and_leaves_no_worker() -> None:
    def fails_here(item: int) -> int:
        if item == 0:
            raise ValueError("boom")
        return item

    with pytest.raises(ValueError, match="boom"):
        fork_map(fails_here, ITEMS, jobs=2)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child left to reap


def test_a_process_running_other_threads_does_not_fork() -> None:
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert {pid for _, pid in fork_map(_square_with_pid, ITEMS, jobs=2)} == {os.getpid()}
    finally:
        stop.set()
        thread.join()


def test_prefetch_fills_the_parse_cache_from_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cardgate.core import parallel
    from cardgate.documents import parse_cache
    from cardgate.documents.load_limits import Limits
    from cardgate.documents.loading import load_document, prefetch

    monkeypatch.setenv("CARDGATE_CACHE_DIR", str(tmp_path / "cache"))
    parse_cache.cache_dir.cache_clear()
    monkeypatch.setattr(parallel, "MIN_ITEMS_PER_WORKER", 2)
    try:
        paths = []
        for index in range(12):
            path = tmp_path / f"doc-{index}.yaml"
            path.write_text(f"kind: model-card\nid: s{index}\nvalue: {index}\n", encoding="utf-8")
            paths.append(path)
        broken = tmp_path / "broken.yaml"
        broken.write_text("a: [unclosed\n", encoding="utf-8")
        prefetch([*paths, broken])  # a document that does not parse is left to the loader
        keys = [parse_cache.cache_key(p.read_bytes(), repr(Limits())) for p in paths]
        assert all(parse_cache.contains(key) for key in keys)
        document = load_document(paths[3])
        assert document.known_positions is None  # from the cache
        assert document.data == {"kind": "model-card", "id": "s3", "value": 3}
    finally:
        parse_cache.cache_dir.cache_clear()
