// Package cpushare keeps background work's share of the CPU against a
// flood of foreground work. The daemon serves readers (foreground) from the
// cores that parse feeds (background, scheduled fetching); readers come
// first, but however many of them there are, fetching must keep the cores
// it was given ([fetch] background_cores). A Gate is that bargain: while
// background work is running and wants a core, foreground work passes the
// gate on at most the cores left over; the rest waits its turn, in order.
// When no background work wants a core, the gate costs one uncontended
// lock.
//
// The fetcher and the publisher never import each other: cmd hands both
// the same Gate.
package cpushare

import (
	"container/list"
	"context"
	"math"
	"sync"
	"time"
)

// Gate bounds foreground CPU work while background work runs. The zero
// Gate is not usable; a nil *Gate lets everything through.
type Gate struct {
	procs int // cores the process runs on (GOMAXPROCS)

	mu       sync.Mutex
	reserved int        // cores background work keeps while it runs
	busy     int        // background workers running now
	running  int        // foreground holders
	queue    *list.List // of chan struct{}: foreground waiting, oldest first
}

// New returns a Gate for a process running on procs cores.
func New(procs int) *Gate {
	return &Gate{procs: max(1, procs), reserved: 1, queue: list.New()}
}

// Limit is how many foreground holders may run at once while background
// work runs: the cores not reserved for it, and at least one (readers are
// never shut out).
func (g *Gate) Limit() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.limit()
}

func (g *Gate) limit() int { return max(1, g.procs-g.reserved) }

// Busy tells the gate that one more background worker runs and wants a
// core, and that background work keeps cores' worth of the CPU (a fraction
// counts as a whole core, and at most all cores but one are kept). Every
// Busy is followed by one Idle.
func (g *Gate) Busy(cores float64) {
	if g == nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.busy++
	g.reserved = min(g.procs-1, max(0, int(math.Ceil(cores))))
	g.grant() // a smaller reserve may free places
}

// Idle tells the gate that a background worker stopped wanting a core (it
// finished, or pauses because it is ahead of its share).
func (g *Gate) Idle() {
	if g == nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.busy--
	g.grant()
}

// Waiting reports how many foreground callers wait at the gate now.
func (g *Gate) Waiting() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.queue.Len()
}

// TryEnter is Enter without the wait: it reports whether the caller was let
// in (and must then call Leave).
func (g *Gate) TryEnter() bool {
	if g == nil {
		return true
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.enterNow()
}

// enterNow lets the caller in when nobody waits and there is room.
func (g *Gate) enterNow() bool {
	if g.queue.Len() == 0 && g.open() {
		g.running++
		return true
	}
	return false
}

// Enter waits until foreground work may run, or ctx is done; on success the
// caller runs, then calls Leave once.
func (g *Gate) Enter(ctx context.Context) error {
	if g == nil {
		return nil
	}
	g.mu.Lock()
	if g.enterNow() {
		g.mu.Unlock()
		return nil
	}
	w := make(chan struct{})
	el := g.queue.PushBack(w)
	g.mu.Unlock()
	select {
	case <-w:
		return nil
	case <-ctx.Done():
		g.mu.Lock()
		defer g.mu.Unlock()
		select {
		case <-w: // let in meanwhile: give the place on
			g.running--
			g.grant()
		default:
			g.queue.Remove(el)
		}
		return ctx.Err()
	}
}

// EnterFor is Enter for work that may block on I/O (writing to a client
// that reads slowly): the place is given back by the returned leave, or
// after d, whichever comes first, so that a client that does not read
// holds no core's place for longer than d. leave may be called any time,
// once or more.
func (g *Gate) EnterFor(ctx context.Context, d time.Duration) (leave func(), err error) {
	if g == nil {
		return func() {}, nil
	}
	if err := g.Enter(ctx); err != nil {
		return nil, err
	}
	once := sync.OnceFunc(g.Leave)
	t := time.AfterFunc(d, once)
	return func() { t.Stop(); once() }, nil
}

// Leave ends a foreground run that Enter let in.
func (g *Gate) Leave() {
	if g == nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.running--
	g.grant()
}

// open reports whether one more foreground holder may run now.
func (g *Gate) open() bool { return g.busy <= 0 || g.running < g.limit() }

// grant lets the oldest waiters in while there is room.
func (g *Gate) grant() {
	for g.queue.Len() > 0 && g.open() {
		w := g.queue.Remove(g.queue.Front()).(chan struct{})
		g.running++
		close(w)
	}
}
