package main

// What the slowest creates of a fixed-rate phase waited for (issue #23 item
// 4): the Wuye bench server records every write transaction's timeline
// (hooks.ObserveWrites) while a phase runs, and the harness splits the
// slowest requests' time into the server's parts — before asking for the
// write connection, waiting for it (and behind what: a job's batch or
// another request), their statements, their commit — so that a tail can be
// told apart from the jobs' holds, slow commits, or time outside the
// server's transactions (the harness's and the server's CPU).

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
)

// writeLog collects the server's write timelines while a phase runs.
type writeLog struct {
	mu      sync.Mutex
	timings []hooks.WriteTiming
	restore func()
}

// serveWriteLog adds POST /__bench/writes (start recording, forgetting
// what was recorded) and GET /__bench/writes (stop and answer the
// timelines) to the bench's Wuye server.
func serveWriteLog(app core.App) {
	w := &writeLog{}
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.POST("/__bench/writes", func(e *core.RequestEvent) error {
			w.mu.Lock()
			defer w.mu.Unlock()
			w.timings = w.timings[:0]
			if w.restore == nil {
				w.restore = hooks.ObserveWrites(func(t hooks.WriteTiming) {
					w.mu.Lock()
					w.timings = append(w.timings, t)
					w.mu.Unlock()
				})
			}
			return e.NoContent(http.StatusNoContent)
		}).Unbind(hooks.CountWritesID)
		se.Router.GET("/__bench/writes", func(e *core.RequestEvent) error {
			w.mu.Lock()
			defer w.mu.Unlock()
			if w.restore != nil {
				w.restore()
				w.restore = nil
			}
			return e.JSON(http.StatusOK, w.timings)
		})
		return se.Next()
	})
}

// recordWrites starts recording s's write timelines and returns the
// function that stops and fetches them.
func (b *Bench) recordWrites(s *Server) (fetch func() []hooks.WriteTiming) {
	ctx := context.Background()
	if err := b.Call(ctx, http.MethodPost, s.Base+"/__bench/writes", "", nil, nil); err != nil {
		b.Logf("write timelines: %v", err)
		return func() []hooks.WriteTiming { return nil }
	}
	return func() []hooks.WriteTiming {
		var out []hooks.WriteTiming
		if err := b.Call(ctx, http.MethodGet, s.Base+"/__bench/writes", "", nil, &out); err != nil {
			b.Logf("write timelines: %v", err)
		}
		return out
	}
}

// withWriteLog runs a fixed-rate phase on s and, on the Wuye server, logs
// what its slowest write requests waited for (slowWrites) under label: the
// creates section's fixed rates and the jobs section's phases.
func (b *Bench) withWriteLog(s *Server, label string, rate float64, phase func() *Result) *Result {
	if s.Kind != KindWuye {
		return phase()
	}
	writes := b.recordWrites(s)
	r := phase()
	b.Logf("%s at %.0f/s on %s (harness p99 %s ms): %s", label, rate, s.Kind, ms(r.P(0.99)), slowWrites(writes()))
	return r
}

// slowWrites describes the slowest 1 % of the requests' write transactions
// (by the server's time from the router taking the request to its commit):
// the mean of each part, and how many waited behind a job's batch.
func slowWrites(ts []hooks.WriteTiming) string {
	var reqs, all []hooks.WriteTiming
	for _, t := range ts {
		all = append(all, t)
		if t.Job == "" {
			reqs = append(reqs, t)
		}
	}
	if len(reqs) == 0 {
		return "no write timelines"
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Began.Before(all[j].Began) })
	total := func(t hooks.WriteTiming) time.Duration { return t.Done.Sub(t.Arrived) }
	sort.Slice(reqs, func(i, j int) bool { return total(reqs[i]) > total(reqs[j]) })
	n := max(1, len(reqs)/100)
	var before, wait, work, commit, behindJob, jobHold, jobCommit time.Duration
	jobs, turns := 0, 0
	for _, r := range reqs[:n] {
		before += r.Asked.Sub(r.Arrived)
		wait += r.Began.Sub(r.Asked)
		work += r.Worked.Sub(r.Began)
		commit += r.Done.Sub(r.Worked)
		// What held the connection while it waited: the transactions
		// that ended after it asked and before it began.
		for _, h := range all {
			if h.Began.After(r.Began) {
				break
			}
			if h.Job == "" || h.Job == hooks.CheckpointTiming || !h.Done.After(r.Asked) || h.Done.After(r.Began) {
				continue
			}
			jobs++
			if h.Job == hooks.CheckpointTurnTiming {
				turns++ // the checkpointer's turn of the write queue
			}
			behindJob += h.Done.Sub(maxTime(h.Began, r.Asked))
			jobHold = max(jobHold, h.Done.Sub(h.Began))
			jobCommit = max(jobCommit, h.Done.Sub(h.Worked))
		}
	}
	avg := func(d time.Duration) string { return ms(d / time.Duration(n)) }
	var sb strings.Builder
	fmt.Fprintf(&sb, "server's p99 %s ms; ", ms(total(reqs[len(reqs)/100])))
	fmt.Fprintf(&sb, "slowest %d of %d write requests, server's time %s–%s ms: before asking for the write connection %s, waiting for it %s (behind %d job batches and checkpoint turns, %d of them turns, %s ms of them each on average; longest %s, commit %s), statements %s, commit %s ms",
		n, len(reqs), ms(total(reqs[n-1])), ms(total(reqs[0])), avg(before), avg(wait), jobs, turns, ms(behindJob/time.Duration(max(1, jobs))), ms(jobHold), ms(jobCommit), avg(work), avg(commit))
	sb.WriteString("; " + slowCommits(all) + "; " + checkpointTurns(all))
	return sb.String()
}

// checkpointTurns describes the checkpointer's turns of the write queue
// against the lock-free checkpoint that ended just before each (the turn is
// asked for when that one ends): whether a slow lock-free checkpoint
// foretells a slow turn, as slow syncs of the disk would make both
// (BENCHMARKS.md § "Cron jobs on the 1M-row history", session 20).
func checkpointTurns(all []hooks.WriteTiming) string {
	const slow = 50 * time.Millisecond
	var before time.Duration // the last lock-free checkpoint's length
	var n, afterSlow int
	var longest, sumAfterSlow, sumAfterQuick time.Duration
	for _, t := range all { // in the order they began
		switch t.Job {
		case hooks.CheckpointTiming:
			before = t.Done.Sub(t.Began)
		case hooks.CheckpointTurnTiming:
			d := t.Done.Sub(t.Began)
			n++
			longest = max(longest, d)
			if before > slow {
				afterSlow++
				sumAfterSlow += d
			} else {
				sumAfterQuick += d
			}
		}
	}
	if n == 0 {
		return "no checkpoint turn"
	}
	mean := func(d time.Duration, k int) string { return ms(d / time.Duration(max(1, k))) }
	return fmt.Sprintf("%d checkpoint turns, the longest %s ms: %d after a lock-free checkpoint over %s ms (%s ms each on average), %d after a quicker one (%s ms)",
		n, ms(longest), afterSlow, ms(slow), mean(sumAfterSlow, afterSlow), n-afterSlow, mean(sumAfterQuick, n-afterSlow))
}

// slowCommits counts the commits over 5 ms, the jobs' and the requests',
// and how many of them ran while the server's checkpointer did.
func slowCommits(all []hooks.WriteTiming) string {
	var ckpts []hooks.WriteTiming
	for _, t := range all {
		if t.Job == hooks.CheckpointTiming {
			ckpts = append(ckpts, t)
		}
	}
	during := func(t hooks.WriteTiming) bool {
		for _, c := range ckpts {
			if c.Began.Before(t.Done) && c.Done.After(t.Worked) {
				return true
			}
		}
		return false
	}
	var jobs, jobsDuring, reqs, reqsDuring int
	var longest time.Duration
	for _, t := range all {
		if t.Job == hooks.CheckpointTiming {
			longest = max(longest, t.Done.Sub(t.Began))
			continue
		}
		if t.Done.Sub(t.Worked) <= 5*time.Millisecond {
			continue
		}
		if t.Job == "" {
			reqs++
			if during(t) {
				reqsDuring++
			}
		} else {
			jobs++
			if during(t) {
				jobsDuring++
			}
		}
	}
	return fmt.Sprintf("commits over 5 ms: %d of the jobs' (%d while a checkpoint ran), %d of the requests' (%d); %d checkpoints, the longest %s ms", jobs, jobsDuring, reqs, reqsDuring, len(ckpts), ms(longest))
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
