package store

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ErrInvalidCursor is the error (errors.Is) for a page cursor that is
// malformed or names no stored position: a reader's mistake, not the
// store's.
var ErrInvalidCursor = errors.New("invalid cursor")

// maxCursorLen bounds a cursor's text: a time key is 8 bytes and an id,
// which never comes near this.
const maxCursorLen = 512

// ParseCursor checks that s has a cursor's form (base64url without padding
// of a published time and an id) and returns it as a Cursor. An error wraps
// ErrInvalidCursor. It does not look in the store: see CheckCursor.
func ParseCursor(s string) (Cursor, error) {
	if _, err := cursorKey(Cursor(s)); err != nil {
		return "", err
	}
	return Cursor(s), nil
}

// CursorAt is the cursor naming the position of an article published at
// pub with id: the form every backend gives (see ParseCursor).
func CursorAt(pub time.Time, id string) Cursor { return cursorOf(timeKey(pub, id)) }

// Position is the position c names: the published time in Unix nanoseconds
// (clamped as TimeNanos does) and the id. An error wraps ErrInvalidCursor.
func (c Cursor) Position() (pubNanos int64, id string, err error) {
	k, err := cursorKey(c)
	if err != nil {
		return 0, "", err
	}
	return bytesTime(k[:8]).UnixNano(), string(k[8:]), nil
}

// TimeNanos is t in Unix nanoseconds, clamped to what they hold (years
// 1678 to 2262): the published time positions and cursors order by.
func TimeNanos(t time.Time) int64 { return bytesTime(timeBytes(nil, t)).UnixNano() }

// cursorKey is the time key c names.
func cursorKey(c Cursor) ([]byte, error) {
	if len(c) > maxCursorLen {
		return nil, fmt.Errorf("%w: longer than %d characters", ErrInvalidCursor, maxCursorLen)
	}
	k, err := base64.RawURLEncoding.Strict().DecodeString(string(c))
	if err != nil || len(k) <= 8 {
		return nil, fmt.Errorf("%w %q", ErrInvalidCursor, c)
	}
	return k, nil
}

// CheckCursor reports, with an error wrapping ErrInvalidCursor, a cursor
// that is malformed or names no stored article's position; nil for a
// cursor Newest gave (while its article is stored) and for "". It costs one
// key lookup, so a server can refuse made-up cursors before any render. A
// cursor whose article retention has deleted since is refused too: the
// reader starts again from the first page.
func (s *Store) CheckCursor(ctx context.Context, c Cursor) error {
	if c == "" {
		return nil
	}
	k, err := cursorKey(c)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	found := false
	err = s.db.View(func(tx *bolt.Tx) error {
		found = tx.Bucket(bucketByTime).Get(k) != nil
		return nil
	})
	if err != nil {
		return fmt.Errorf("check cursor: %w", err)
	}
	if !found {
		return fmt.Errorf("%w: no stored position %q", ErrInvalidCursor, c)
	}
	return nil
}
