package hooks

import (
	"context"
	"errors"
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

func (q *writeQueue) queued() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.waiting)
}
