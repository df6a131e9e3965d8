import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MISSING_RECHECK_MS, parsePlaylist, Rotation, type PlaylistItem } from "../../src/lib/playlist.ts";

const item = (board: string, seconds = 5, variant = ""): PlaylistItem => ({ board, variant, seconds });

/** A rotation on a clock the test moves. */
function rotation(items: PlaylistItem[]): { r: Rotation; clock: { t: number } } {
  const clock = { t: 1_000_000 };
  return { r: new Rotation(items, () => clock.t), clock };
}

/** Plays the rotation like the page does: at each due time, show next(). Returns the boards shown. */
function play(r: Rotation, clock: { t: number }, switches: number): string[] {
  const seen: string[] = [];
  for (let k = 0; k < switches; k++) {
    const i = r.next();
    r.show(i);
    seen.push(r.current!.board);
    clock.t += r.dueIn();
  }
  return seen;
}

describe("parsePlaylist", () => {
  it("ReadsItemsWithDefaults", () => {
    const p = parsePlaylist({
      id: "pl1",
      name: "Lobby",
      revision: 3,
      items: [{ board: "a", seconds: 20 }, { board: "b", variant: "16:9", seconds: 2 }, { board: "c" }, { seconds: 9 }, "junk"],
    });
    assert.equal(p.name, "Lobby");
    assert.equal(p.revision, 3);
    assert.deepEqual(p.items, [item("a", 20), item("b", 5, "16:9"), item("c", 30)], "below the minimum is clamped, no duration is 30 s, items without a board dropped");
  });
  it("RefusesAnythingElse", () => {
    assert.throws(() => parsePlaylist({ error: { code: "not_found" } }), /unexpected playlist answer/);
    assert.throws(() => parsePlaylist(null), /unexpected playlist answer/);
  });
});

describe("Rotation", () => {
  it("CyclesInOrderAndLoops", () => {
    const { r, clock } = rotation([item("a"), item("b"), item("c")]);
    assert.equal(r.current, null);
    assert.equal(r.dueIn(), Infinity, "nothing on show: nothing due");
    assert.deepEqual(play(r, clock, 7), ["a", "b", "c", "a", "b", "c", "a"]);
  });

  it("GivesEachItemItsOwnDuration", () => {
    const { r, clock } = rotation([item("a", 5), item("b", 20), item("c", 3600)]);
    const want = [5000, 20000, 3_600_000];
    for (const ms of want) {
      r.show(r.next());
      assert.equal(r.dueIn(), ms);
      clock.t += 1234;
      assert.equal(r.dueIn(), ms - 1234, "time runs");
      clock.t += ms;
      assert.equal(r.dueIn(), 0, "never negative");
    }
  });

  it("SkipsMissingBoardsAndTriesThemAgainLater", () => {
    const { r, clock } = rotation([item("a"), item("b"), item("c")]);
    r.show(0);
    r.markMissing("b");
    assert.equal(r.next(), 2, "b is skipped");
    assert.equal(r.next(-1), 2, "back from a: c (b is not before it)");
    r.show(2);
    assert.equal(r.next(-1), 0, "back from c skips b");
    clock.t += MISSING_RECHECK_MS;
    assert.equal(r.next(-1), 1, "b is tried again after a while");
  });

  it("NextIsMinusOneWhenEveryBoardIsMissing", () => {
    const { r } = rotation([item("a"), item("b")]);
    r.markMissing("a");
    r.markMissing("b");
    assert.equal(r.next(), -1);
    assert.equal(r.next(-1), -1);
  });

  it("OnlyBoardLeftIsTheCurrentOne", () => {
    const { r } = rotation([item("a"), item("b")]);
    r.show(0);
    r.markMissing("b");
    assert.equal(r.next(), 0, "the one on show comes round again");
  });

  it("ShowingABoardClearsItsMissingMark", () => {
    const { r } = rotation([item("a"), item("b"), item("c")]);
    r.markMissing("b");
    r.show(1);
    assert.equal(r.isMissing("b"), false);
  });

  it("PauseHoldsTheTimeAndResumeGivesWhatWasLeft", () => {
    const { r, clock } = rotation([item("a", 10), item("b", 10)]);
    r.show(0);
    clock.t += 4000;
    r.pause();
    assert.equal(r.paused, true);
    assert.equal(r.dueIn(), Infinity, "paused: never due");
    clock.t += 3_600_000;
    r.pause();
    assert.equal(r.dueIn(), Infinity, "pausing twice changes nothing");
    r.resume();
    assert.equal(r.paused, false);
    assert.equal(r.dueIn(), 6000, "the 6 s left before the pause");
    clock.t += 6000;
    assert.equal(r.dueIn(), 0);
    assert.equal(r.next(), 1, "then on to the next board");
  });

  it("StepsWhilePausedStayPaused", () => {
    const { r } = rotation([item("a"), item("b"), item("c")]);
    r.show(0);
    r.pause();
    r.show(r.next(-1));
    assert.equal(r.current!.board, "c", "back from the first is the last");
    assert.equal(r.paused, true);
    assert.equal(r.dueIn(), Infinity);
    r.resume();
    assert.equal(r.dueIn(), 5000, "a board stepped to gets its whole time");
  });

  it("KeepsItsPlaceWhenTheSameListIsFetchedAgain", () => {
    const { r, clock } = rotation([item("a"), item("b"), item("c")]);
    play(r, clock, 2);
    assert.equal(r.current!.board, "b");
    clock.t -= 2000;
    assert.equal(r.setItems([item("a"), item("b"), item("c")]), 1);
    assert.equal(r.current!.board, "b", "still b, not back to the first board");
    assert.equal(r.dueIn(), 2000, "with the time it had left");
    assert.equal(r.next(), 2);
  });

  it("FollowsTheCurrentBoardToItsNewPlace", () => {
    const { r } = rotation([item("a"), item("b"), item("c")]);
    r.show(1);
    assert.equal(r.setItems([item("x"), item("a"), item("c"), item("b"), item("d")]), 3);
    assert.equal(r.index, 3);
    assert.equal(r.next(), 4, "what follows b in the new list");
  });

  it("PicksTheNearestOccurrenceOfARepeatedBoard", () => {
    const { r } = rotation([item("a"), item("b"), item("a"), item("c")]);
    r.show(2);
    assert.equal(r.setItems([item("a"), item("b"), item("a"), item("c")]), 2, "same position first");
    assert.equal(r.setItems([item("a"), item("b"), item("z"), item("a"), item("c")]), 3, "nearest to where it was");
  });

  it("ABoardDroppedWhileOnShowStaysUntilItsTimeThenTheRotationGoesOn", () => {
    const { r, clock } = rotation([item("a"), item("b"), item("c"), item("d")]);
    r.show(1);
    clock.t += 1000;
    assert.equal(r.setItems([item("a"), item("c"), item("d")]), -1);
    assert.equal(r.current!.board, "b", "still on show");
    assert.equal(r.index, -1, "not in the list");
    assert.equal(r.dueIn(), 4000, "its time keeps running");
    assert.equal(r.next(), 1, "c, which now stands where b stood");
    assert.equal(r.next(-1), 0, "back: a, which stood before it");
  });

  it("ADroppedFirstBoardGoesOnAtTheNewFirst", () => {
    const { r } = rotation([item("a"), item("b")]);
    r.show(0);
    assert.equal(r.setItems([item("b"), item("c")]), -1);
    assert.equal(r.next(), 0);
    assert.equal(r.next(-1), 1, "back from the top wraps to the last");
  });

  it("ADroppedLastBoardLoopsToTheFirst", () => {
    const { r } = rotation([item("a"), item("b"), item("c")]);
    r.show(2);
    r.setItems([item("a"), item("b")]);
    assert.equal(r.next(), 0);
  });

  it("ANewVariantIsAnotherItem", () => {
    const { r } = rotation([item("a"), item("b", 5, "16:9")]);
    r.show(1);
    assert.equal(r.setItems([item("a"), item("b", 5, "32:9")]), -1);
  });

  it("ANewDurationAppliesFromTheNextTurn", () => {
    const { r, clock } = rotation([item("a", 10), item("b", 10)]);
    r.show(0);
    clock.t += 1000;
    r.setItems([item("a", 60), item("b", 30)]);
    assert.equal(r.dueIn(), 9000, "the turn on show keeps its time");
    clock.t += 9000;
    r.show(r.next());
    assert.equal(r.dueIn(), 30000);
    clock.t += 30000;
    r.show(r.next());
    assert.equal(r.dueIn(), 60000);
  });
});
