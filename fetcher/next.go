package fetcher

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// When to fetch a source next, and why: the schedule, shifted by the
// source's place in the jitter window; lengthened by feed hints; held back by
// Retry-After and exponential back-off; never after a 410.

// offset is the source's fixed place in the jitter window: sources sharing a
// schedule spread over it, and each keeps its place across restarts.
func offset(name string, jitter time.Duration) time.Duration {
	if jitter <= 0 {
		return 0
	}
	h := sha256.Sum256([]byte(name))
	return time.Duration(binary.BigEndian.Uint64(h[:8]) % uint64(jitter))
}

// window is the jitter window for a schedule: [fetch].jitter, but never
// longer than the schedule's own interval (spreading "@every 1s" sources
// over a minute would only delay them).
func window(sched cron.Schedule, jitter time.Duration) time.Duration {
	t := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	a := sched.Next(t)
	b := sched.Next(a)
	if a.IsZero() || b.IsZero() {
		return jitter
	}
	return min(jitter, b.Sub(a))
}

// scheduledNext is the source's next run after now: its schedule shifted by
// off (so that the shifted runs keep the schedule's rhythm).
func scheduledNext(sched cron.Schedule, now time.Time, off time.Duration) time.Time {
	n := sched.Next(now.Add(-off))
	if n.IsZero() {
		return n
	}
	return n.Add(off)
}

// feedHints joins the feed's own hints with the HTTP Cache-Control max-age.
type feedHints struct {
	hints
	MaxAge  time.Duration
	posting postingRate // an adaptive source's rhythm, from its last parse
}

// longest is the longest interval the hints ask for, and which one.
func (h feedHints) longest() (time.Duration, string) {
	var d time.Duration
	var why string
	for _, c := range []struct {
		d   time.Duration
		why string
	}{{h.TTL, "RSS ttl"}, {h.Period, "sy:updatePeriod"}, {h.MaxAge, "Cache-Control max-age"}} {
		if c.d > d {
			d, why = c.d, c.why
		}
	}
	return d, why
}

// nextAfterSuccess is when a source that answered (200 or 304) is fetched
// next: its schedule, lengthened by its hints up to maxInterval, moved out of
// its skipHours. base says why the schedule: "schedule" for a cron spec, the
// chosen interval and its reason for an adaptive one.
func nextAfterSuccess(sched cron.Schedule, now time.Time, off time.Duration, h feedHints, maxInterval time.Duration, base string) (time.Time, string) {
	next := scheduledNext(sched, now, off)
	reason := base
	if next.IsZero() {
		return next, "schedule never fires again"
	}
	if d, why := h.longest(); d > next.Sub(now) {
		if d > maxInterval {
			d = maxInterval
		}
		if d > next.Sub(now) {
			next = now.Add(d)
			reason = fmt.Sprintf("feed hint: %s %v", why, d)
			if base != "schedule" {
				reason = base + ", lengthened by " + reason
			}
		}
	}
	if len(h.SkipHours) > 0 && len(h.SkipHours) < 24 {
		moved := false
		for range 24 {
			if !slices.Contains(h.SkipHours, next.UTC().Hour()) || next.Sub(now) >= maxInterval {
				break
			}
			next = next.UTC().Truncate(time.Hour).Add(time.Hour)
			moved = true
		}
		if moved {
			if next.Sub(now) > maxInterval {
				next = now.Add(maxInterval)
			}
			reason += ", moved out of the feed's skipHours"
		}
	}
	return next, reason
}

// nextAfterFailure is when a failing source is tried again: after the
// server's Retry-After when it gave one, else after an exponential back-off
// with jitter; both capped by maxBackoff, and never before its schedule.
func nextAfterFailure(sched cron.Schedule, now time.Time, off time.Duration, failures int, retryAfter time.Duration, status int, maxBackoff time.Duration) (time.Time, string) {
	sn := scheduledNext(sched, now, off)
	var d time.Duration
	var reason string
	if retryAfter > 0 {
		d = min(retryAfter, maxBackoff)
		reason = fmt.Sprintf("Retry-After %v (HTTP %d)", d.Round(time.Second), status)
	} else {
		base := time.Minute
		if !sn.IsZero() && sn.Sub(now) > base {
			base = sn.Sub(now)
		}
		d = base
		for i := 1; i < failures && d < maxBackoff; i++ {
			d *= 2
		}
		d += time.Duration(rand.Int64N(int64(d)/4 + 1)) // jitter: up to +25%
		d = min(d, maxBackoff)
		reason = "back-off after 1 failure"
		if failures > 1 {
			reason = fmt.Sprintf("back-off after %d consecutive failures", failures)
		}
	}
	next := now.Add(d)
	if sn.After(next) {
		next = sn
		reason += ", then the schedule"
	}
	return next, reason
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil {
		if s < 0 {
			return 0
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// maxAge reads Cache-Control max-age.
func maxAge(h http.Header) time.Duration {
	for _, part := range strings.Split(h.Get("Cache-Control"), ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && strings.EqualFold(k, "max-age") {
			if s, err := strconv.Atoi(strings.Trim(v, `"`)); err == nil && s > 0 {
				return time.Duration(s) * time.Second
			}
		}
	}
	return 0
}
