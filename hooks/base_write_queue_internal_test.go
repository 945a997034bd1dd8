package hooks

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"testing"
)

// A request whose client gives up while it waits leaves the queue: it
// takes no turn, and the ones behind it move up.
func TestWriteQueueGivenUpLeaves(t *testing.T) {
	q := &writeQueue{}
	if err := q.enter(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	gaveUp := make(chan error, 1)
	go func() { gaveUp <- q.enter(ctx) }()
	for q.queued() != 1 {
	}
	behind := make(chan error, 1)
	go func() { behind <- q.enter(context.Background()) }()
	for q.queued() != 2 {
	}
	cancel()
	if err := <-gaveUp; !errors.Is(err, context.Canceled) {
		t.Fatalf("given up: %v", err)
	}
	if n := q.queued(); n != 1 {
		t.Fatalf("%d waiting after one gave up, want 1", n)
	}
	q.leave()
	if err := <-behind; err != nil {
		t.Fatalf("the one behind: %v", err)
	}
	q.leave()
	if q.busy || q.queued() != 0 {
		t.Fatalf("busy %v, %d waiting after every turn ended", q.busy, q.queued())
	}
}

// One that gives up just as its turn came passes the turn on, instead of
// keeping everyone behind it out for good.
func TestWriteQueueTurnOfOneGivenUpPassesOn(t *testing.T) {
	q := &writeQueue{}
	if err := q.enter(context.Background()); err != nil {
		t.Fatal(err)
	}
	first := make(chan struct{})
	q.waiting = append(q.waiting, first) // waits, its client about to give up
	next := make(chan error, 1)
	go func() { next <- q.enter(context.Background()) }()
	for q.queued() != 2 {
	}
	q.leave() // the turn goes to first, whose client has just gone
	q.giveUp(first)
	if err := <-next; err != nil {
		t.Fatalf("the next one: %v", err)
	}
	q.leave()
	if q.busy || q.queued() != 0 {
		t.Fatalf("busy %v, %d waiting after every turn ended", q.busy, q.queued())
	}
}

// The writer whose turn ends hands its processor to the next one (leave):
// on one processor, the next writer has run before leave returns. Go's
// scheduler takes from its global queue now and then (one schedule in 61)
// instead of the processor's next goroutine, so nine in ten are required;
// without the hand-over none is.
func TestWriteQueueNextTurnRunsAtOnce(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	q := &writeQueue{}
	const trials = 100
	first := 0
	for range trials {
		if err := q.enter(context.Background()); err != nil {
			t.Fatal(err)
		}
		var ran atomic.Bool
		done := make(chan struct{})
		go func() {
			defer close(done)
			if err := q.enter(context.Background()); err != nil {
				return
			}
			ran.Store(true)
			q.leave()
		}()
		for q.queued() != 1 {
			runtime.Gosched()
		}
		q.leave()
		if ran.Load() {
			first++
		}
		<-done
	}
	if first < trials*9/10 {
		t.Fatalf("the next writer ran before leave returned in %d of %d turns, want at least 90%%", first, trials)
	}
}

func (q *writeQueue) queued() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.waiting)
}
