package store

import (
	"context"
	"sync"
	"sync/atomic"
)

// versionClock is the store's version: an atomic counter that wakes those
// waiting for it to change (Watch). Reading it costs one atomic load.
type versionClock struct {
	v  atomic.Uint64
	mu sync.Mutex
	ch chan struct{} // closed at the next change; nil while nobody waits
}

func (c *versionClock) Load() uint64 { return c.v.Load() }

func (c *versionClock) Store(v uint64) {
	c.v.Store(v)
	c.wake()
}

func (c *versionClock) Add(delta uint64) uint64 {
	n := c.v.Add(delta)
	c.wake()
	return n
}

func (c *versionClock) wake() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ch != nil {
		close(c.ch)
		c.ch = nil
	}
}

// changed is closed at the next change after it is taken.
func (c *versionClock) changed() <-chan struct{} {
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
	for {
		ch := s.version.changed() // before the load: a change between them closes ch
		if v := s.version.Load(); v != since {
			return v, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return s.version.Load(), ctx.Err()
		}
	}
}
