package cpushare

import (
	"context"
	"runtime"
	"testing"
	"time"
)

// admits reports whether g lets one more foreground run in now.
func admits(t *testing.T, g *Gate) bool {
	t.Helper()
	if !g.TryEnter() {
		return false
	}
	g.Leave()
	return true
}

func enter(t *testing.T, g *Gate) {
	t.Helper()
	if err := g.Enter(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// While background work runs, foreground work runs on the cores left over
// (at least one); when it stops, foreground runs as it likes again.
func TestGateBoundsForegroundWhileBackgroundRuns(t *testing.T) {
	for _, tt := range []struct {
		procs int
		cores float64
		limit int
	}{
		{2, 1, 1},
		{2, 0.5, 1}, // a fraction keeps a whole core
		{2, 2, 1},   // readers keep one
		{8, 1, 7},
		{8, 2.5, 5},
		{1, 1, 1},
	} {
		g := New(tt.procs)
		for range 3 * tt.procs {
			enter(t, g) // no background work: no bound
		}
		for range 3 * tt.procs {
			g.Leave()
		}
		g.Busy(tt.cores)
		if got := g.Limit(); got != tt.limit {
			t.Errorf("procs %d, cores %v: limit %d, want %d", tt.procs, tt.cores, got, tt.limit)
		}
		for range tt.limit {
			enter(t, g)
		}
		if admits(t, g) {
			t.Errorf("procs %d, cores %v: let in more than %d while background work runs", tt.procs, tt.cores, tt.limit)
		}
		g.Idle()
		if !admits(t, g) {
			t.Errorf("procs %d, cores %v: still bounded after background work stopped", tt.procs, tt.cores)
		}
	}
}

// Waiters are let in oldest first as places free up, and a waiter whose
// context ends leaves the queue without taking a place.
func TestGateLetsWaitersInInOrder(t *testing.T) {
	g := New(2)
	g.Busy(1)
	enter(t, g)
	order := make(chan int, 3)
	for i := range 3 {
		go func() {
			if err := g.Enter(context.Background()); err == nil {
				order <- i
			}
		}()
		for g.Waiting() != i+1 {
			runtime.Gosched() // the goroutine queues soon
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	gone := make(chan error)
	go func() { gone <- g.Enter(ctx) }()
	for g.Waiting() != 4 {
		runtime.Gosched()
	}
	cancel()
	if err := <-gone; err == nil {
		t.Fatal("Enter with its context done returned nil")
	}
	for want := range 3 {
		g.Leave()
		if got := <-order; got != want {
			t.Fatalf("let in waiter %d, want %d", got, want)
		}
	}
	if g.Waiting() != 0 {
		t.Errorf("%d still waiting", g.Waiting())
	}
	g.Idle() // background done: everyone in
	g.Leave()
	if !admits(t, g) {
		t.Error("gate closed with no background work")
	}
}

// A nil gate lets everything through.
func TestNilGate(t *testing.T) {
	var g *Gate
	g.Busy(1)
	if err := g.Enter(context.Background()); err != nil {
		t.Fatal(err)
	}
	g.Leave()
	g.Idle()
}

// A place taken with EnterFor is given back after its time even when its
// holder blocks (a client that does not read), and leave after that does
// not give back a second place.
func TestEnterForGivesThePlaceBack(t *testing.T) {
	g := New(2)
	g.Busy(1)
	leave, err := g.EnterFor(context.Background(), time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Enter(context.Background()); err != nil { // waits for the timer, not for leave
		t.Fatal(err)
	}
	leave()
	if admits(t, g) {
		t.Error("leave after the timer gave back a place it no longer held")
	}
	g.Leave()
	if !admits(t, g) {
		t.Error("gate closed with its place free")
	}
}
