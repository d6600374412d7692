-- Functions the analytics queries call: the per-user state machines of
-- funnels (docs/analytics/funnels.md). Each takes one user's events of one
-- period as a bigint[] sorted ascending, an event being
--   epoch microseconds << 11 | opens << 10 | step mask
-- where bit k-1 of the mask (at most 10 steps) is set when the event matches
-- step k, and `opens` when it may start an attempt (it matches step 1, or any
-- step for UNORDERED, and happened before the end of the range); plus the
-- breakdown value of each event (or NULL). They return how deep the user got,
-- when each step of the counted attempt happened and the attempt's breakdown
-- value. They are pure functions of their arguments: the tenant's rows are
-- read (under RLS) by the calling statement (sql/funnel-query.ts). An
-- unsorted array is sorted first: callers feed array_agg from a sorted
-- subquery, which spares PostgreSQL 15 a sort per user.
CREATE TYPE analytics.funnel_path AS (
  -- Steps reached: 0 when no attempt started in the range.
  level int,
  -- Epoch microseconds of steps 1..level of the counted attempt.
  step_us bigint[],
  -- The breakdown value on the counted attempt's first event.
  breakdown text
);
--> statement-breakpoint
-- ORDERED and STRICT funnels. An attempt starts at an opening step-1 event;
-- step k+1 must come strictly later than step k and at most p_window_us after
-- step 1 (inclusive). Events at the same instant form one moment (their masks
-- OR-ed), so one moment fills at most one step of an attempt. Per level the
-- state keeps only the attempt that started latest (it has the most window
-- left, and any later event that can advance an earlier attempt can advance
-- it), like ClickHouse's windowFunnel; between equal starts, the one that got
-- there first. STRICT: an attempt survives a moment only by advancing in it,
-- so any other event between two steps ends it. The counted attempt is the
-- first one to reach the user's deepest step.
CREATE OR REPLACE FUNCTION analytics.funnel_sequence(
  p_events bigint[], p_breakdowns text[], p_steps int, p_window_us bigint, p_strict boolean
) RETURNS analytics.funnel_path LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  n int := coalesce(cardinality(p_events), 0);
  i int := 0;
  x bigint;
  t bigint;
  m int;
  k int;
  first_step int;
  base int;
  -- deadline[k]: start + window of the attempt at level k; 0 when none is there.
  deadline bigint[] := array_fill(0::bigint, ARRAY[p_steps]);
  -- Row k (entries (k-1)*p_steps+1 ..) holds the step times of the attempt at level k.
  chain bigint[] := array_fill(0::bigint, ARRAY[p_steps * p_steps]);
  chain_bd text[] := array_fill(NULL::text, ARRAY[p_steps]);
  best int := 0;
  best_us bigint[] := '{}';
  best_bd text;
BEGIN
  WHILE i < n LOOP
    i := i + 1;
    x := p_events[i];
    t := x >> 11;
    m := (x & 2047)::int;
    first_step := i;
    IF i < n AND (p_events[i + 1] >> 11) <= t THEN
      IF (p_events[i + 1] >> 11) < t THEN
        RETURN analytics.funnel_sequence(
          (SELECT array_agg(e ORDER BY e, b) FROM unnest(p_events, p_breakdowns) AS u(e, b)),
          (SELECT array_agg(b ORDER BY e, b) FROM unnest(p_events, p_breakdowns) AS u(e, b)),
          p_steps, p_window_us, p_strict);
      END IF;
      WHILE i < n AND (p_events[i + 1] >> 11) = t LOOP
        i := i + 1;
        IF p_events[i] & 1 <> 0 AND m & 1 = 0 THEN first_step := i; END IF;
        m := m | (p_events[i] & 2047)::int;
      END LOOP;
      k := 0;
    ELSE
      -- The level of a one-step mask (opening or not); 0 for several steps or none.
      k := CASE m & 1023 WHEN 1 THEN 1 WHEN 2 THEN 2 WHEN 4 THEN 3 WHEN 8 THEN 4 WHEN 16 THEN 5
                         WHEN 32 THEN 6 WHEN 64 THEN 7 WHEN 128 THEN 8 WHEN 256 THEN 9 WHEN 512 THEN 10 ELSE 0 END;
    END IF;
    IF p_strict OR k = 0 THEN
      -- Deepest level first, so every level advances from the state before this moment.
      FOR j IN REVERSE p_steps..2 LOOP
        IF m & (1 << (j - 1)) <> 0 AND t <= deadline[j - 1] AND (p_strict OR deadline[j - 1] > deadline[j]) THEN
          base := (j - 1) * p_steps;
          chain[base + 1:base + j - 1] := chain[base - p_steps + 1:base - p_steps + j - 1];
          chain[base + j] := t;
          deadline[j] := deadline[j - 1];
          chain_bd[j] := chain_bd[j - 1];
          IF j > best THEN
            best := j;
            best_us := chain[base + 1:base + j];
            best_bd := chain_bd[j];
          END IF;
        ELSIF p_strict THEN
          deadline[j] := 0;
        END IF;
      END LOOP;
      IF m & 1025 = 1025 THEN
        deadline[1] := t + p_window_us;
        chain[1] := t;
        chain_bd[1] := p_breakdowns[first_step];
        IF best = 0 THEN
          best := 1;
          best_us := ARRAY[t];
          best_bd := chain_bd[1];
        END IF;
      ELSIF p_strict THEN
        deadline[1] := 0;
      END IF;
      EXIT WHEN best = p_steps;
    ELSIF k > 1 THEN
      -- The common case, one ORDERED step: the loop above for that level only.
      IF t <= deadline[k - 1] AND deadline[k - 1] > deadline[k] THEN
        base := (k - 1) * p_steps;
        chain[base + 1:base + k - 1] := chain[base - p_steps + 1:base - p_steps + k - 1];
        chain[base + k] := t;
        deadline[k] := deadline[k - 1];
        chain_bd[k] := chain_bd[k - 1];
        IF k > best THEN
          best := k;
          best_us := chain[base + 1:base + k];
          best_bd := chain_bd[k];
          EXIT WHEN best = p_steps;
        END IF;
      END IF;
    ELSIF m >= 1024 THEN
      deadline[1] := t + p_window_us;
      chain[1] := t;
      chain_bd[1] := p_breakdowns[i];
      IF best = 0 THEN
        best := 1;
        best_us := ARRAY[t];
        best_bd := chain_bd[1];
      END IF;
    END IF;
  END LOOP;
  RETURN ROW(best, best_us, best_bd)::analytics.funnel_path;
END
$$;
--> statement-breakpoint
-- The largest number of steps that distinct events can fill, each event
-- (given by its step mask) filling one step it matches: a maximum bipartite
-- matching, by augmenting paths (Kuhn). Only needed when an event can match
-- several steps; a caller passes at most p_steps events of each mask.
CREATE OR REPLACE FUNCTION analytics.funnel_matching(p_masks int[], p_steps int) RETURNS int
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  units int := coalesce(cardinality(p_masks), 0);
  -- owner[s]: the event (index in p_masks) filling step s; 0 when free.
  owner int[] := array_fill(0, ARRAY[p_steps]);
  came int[];
  entered int[];
  queue int[];
  head int;
  x int;
  f int;
  s_prev int;
  visited int;
  size int := 0;
BEGIN
  FOR u IN 1..units LOOP
    -- Breadth-first from event u: a step it matches, then the other steps of that step's owner, ...
    came := array_fill(0, ARRAY[p_steps]);
    entered := array_fill(0, ARRAY[units]);
    queue := ARRAY[u];
    head := 1;
    visited := 0;
    f := 0;
    WHILE head <= cardinality(queue) AND f = 0 LOOP
      x := queue[head];
      head := head + 1;
      FOR s IN 1..p_steps LOOP
        IF p_masks[x] & (1 << (s - 1)) <> 0 AND visited & (1 << (s - 1)) = 0 THEN
          visited := visited | (1 << (s - 1));
          came[s] := x;
          IF owner[s] = 0 THEN
            f := s;
            EXIT;
          END IF;
          entered[owner[s]] := s;
          queue := queue || owner[s];
        END IF;
      END LOOP;
    END LOOP;
    IF f > 0 THEN
      -- A free step f was reached: shift every owner along the path back to u.
      size := size + 1;
      x := came[f];
      LOOP
        s_prev := entered[x];
        owner[f] := x;
        EXIT WHEN x = u;
        f := s_prev;
        x := came[f];
      END LOOP;
    END IF;
    EXIT WHEN size = p_steps;
  END LOOP;
  RETURN size;
END
$$;
--> statement-breakpoint
-- UNORDERED funnels: for every window [s, s + p_window_us] starting at an
-- opening event (every event at instant s belongs to it), how many steps
-- distinct events in it fill; the user counts at the best window, the
-- earliest among equals. Two pointers over the sorted events keep a count
-- per mask; while no event in the window matches several steps, the filled
-- steps are simply the distinct masks present, else analytics.funnel_matching
-- decides. Step k's time is when the k-th step got filled, replaying the
-- counted window in time order.
CREATE OR REPLACE FUNCTION analytics.funnel_unordered(
  p_events bigint[], p_breakdowns text[], p_steps int, p_window_us bigint
) RETURNS analytics.funnel_path LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  n int := coalesce(cardinality(p_events), 0);
  cnt int[] := array_fill(0, ARRAY[(1 << p_steps) - 1]);
  seen int[] := '{}';
  singles int := 0;
  multi int := 0;
  hi int := 1;
  lo int := 1;
  s bigint;
  m int;
  size int;
  units int[];
  best int := 0;
  best_lo int := 0;
  best_us bigint[] := '{}';
  filled int;
  any_multi boolean := false;
BEGIN
  FOR j IN 2..n LOOP
    IF p_events[j] < p_events[j - 1] THEN
      RETURN analytics.funnel_unordered(
        (SELECT array_agg(e ORDER BY e, b) FROM unnest(p_events, p_breakdowns) AS u(e, b)),
        (SELECT array_agg(b ORDER BY e, b) FROM unnest(p_events, p_breakdowns) AS u(e, b)),
        p_steps, p_window_us);
    END IF;
  END LOOP;
  WHILE lo <= n LOOP
    s := p_events[lo] >> 11;
    EXIT WHEN p_events[lo] & 1024 = 0;
    WHILE hi <= n AND (p_events[hi] >> 11) <= s + p_window_us LOOP
      m := (p_events[hi] & 1023)::int;
      cnt[m] := cnt[m] + 1;
      IF m & (m - 1) <> 0 THEN
        multi := multi + 1;
      ELSIF cnt[m] = 1 THEN
        singles := singles + 1;
      END IF;
      IF NOT m = ANY(seen) THEN seen := seen || m; END IF;
      hi := hi + 1;
    END LOOP;
    IF multi = 0 THEN
      size := singles;
    ELSE
      units := '{}';
      FOREACH m IN ARRAY seen LOOP
        FOR c IN 1..least(cnt[m], p_steps) LOOP units := units || m; END LOOP;
      END LOOP;
      size := analytics.funnel_matching(units, p_steps);
    END IF;
    IF size > best THEN
      best := size;
      best_lo := lo;
    END IF;
    EXIT WHEN best = p_steps;
    -- The next start: the first event at a later instant; what is before it leaves the window.
    LOOP
      m := (p_events[lo] & 1023)::int;
      cnt[m] := cnt[m] - 1;
      IF m & (m - 1) <> 0 THEN
        multi := multi - 1;
      ELSIF cnt[m] = 0 THEN
        singles := singles - 1;
      END IF;
      lo := lo + 1;
      EXIT WHEN lo > n OR (p_events[lo] >> 11) > s;
    END LOOP;
  END LOOP;
  IF best = 0 THEN
    RETURN ROW(0, best_us, NULL)::analytics.funnel_path;
  END IF;
  -- Replay the counted window to date each newly filled step (one more event fills at most one more step).
  cnt := array_fill(0, ARRAY[(1 << p_steps) - 1]);
  units := '{}';
  filled := 0;
  size := 0;
  FOR j IN best_lo..n LOOP
    m := (p_events[j] & 1023)::int;
    CONTINUE WHEN cnt[m] >= p_steps;
    cnt[m] := cnt[m] + 1;
    units := units || m;
    any_multi := any_multi OR m & (m - 1) <> 0;
    IF any_multi THEN
      size := analytics.funnel_matching(units, p_steps);
    ELSIF filled & m = 0 THEN
      filled := filled | m;
      size := size + 1;
    END IF;
    IF cardinality(best_us) < size THEN best_us := best_us || (p_events[j] >> 11); END IF;
    EXIT WHEN size >= best;
  END LOOP;
  RETURN ROW(best, best_us, p_breakdowns[best_lo])::analytics.funnel_path;
END
$$;
