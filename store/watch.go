package store

import (
	"context"
	"sync"
	"sync/atomic"
)

// VersionClock is a store's version: an atomic counter that wakes those
// waiting for it to change (Wait). Reading it costs one atomic load. The
// bbolt store counts its own commits in one; a shared backend raises one to
// the versions it hears of. The zero VersionClock is ready to use.
type VersionClock struct {
	v  atomic.Uint64
	mu sync.Mutex
	ch chan struct{} // closed at the next change; nil while nobody waits
}

func (c *VersionClock) Load() uint64 { return c.v.Load() }

func (c *VersionClock) Store(v uint64) {
	c.v.Store(v)
	c.wake()
}

func (c *VersionClock) Add(delta uint64) uint64 {
	n := c.v.Add(delta)
	c.wake()
	return n
}

func (c *VersionClock) wake() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ch != nil {
		close(c.ch)
		c.ch = nil
	}
}

// Raise sets the version to v when v is higher, and reports whether it was.
func (c *VersionClock) Raise(v uint64) bool {
	for {
		cur := c.v.Load()
		if v <= cur {
			return false
		}
		if c.v.CompareAndSwap(cur, v) {
			c.wake()
			return true
		}
	}
}

// Wait waits until the version is not since and returns it: at once when it
// already differs. Its error is ctx's, when ctx ends first.
func (c *VersionClock) Wait(ctx context.Context, since uint64) (uint64, error) {
	for {
		ch := c.changed() // before the load: a change between them closes ch
		if v := c.Load(); v != since {
			return v, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return c.Load(), ctx.Err()
		}
	}
}

// changed is closed at the next change after it is taken.
func (c *VersionClock) changed() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ch == nil {
		c.ch = make(chan struct{})
	}
	return c.ch
}

// Watch waits until the store's version is not since (a commit changed what
// would be published), and returns it: at once when it already differs. Its
// error is ctx's, when ctx ends first. Commits reach it as they happen: the
// bbolt file has only this process as a writer.
func (s *Store) Watch(ctx context.Context, since uint64) (uint64, error) {
	return s.version.Wait(ctx, since)
}
