package store

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/article"
)

// Cursors Newest gives pass CheckCursor; malformed ones and well-formed ones
// naming no stored position are ErrInvalidCursor, from ParseCursor,
// CheckCursor and Newest alike.
func TestCursorChecks(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t, nil)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := st.Apply(ctx, "a", SourceState{}, append([]article.Article(nil),
		art("a", "1", "one", base), art("a", "2", "two", base.Add(time.Hour)), art("a", "3", "three", base.Add(2*time.Hour)))); err != nil {
		t.Fatal(err)
	}
	_, next, err := st.Newest(ctx, 1, Filter{}, "")
	if err != nil || next == "" {
		t.Fatalf("first page: %q %v", next, err)
	}
	if err := st.CheckCursor(ctx, next); err != nil {
		t.Fatalf("a cursor Newest gave: %v", err)
	}
	if err := st.CheckCursor(ctx, ""); err != nil {
		t.Fatalf("the empty cursor: %v", err)
	}
	if c, err := ParseCursor(string(next)); err != nil || c != next {
		t.Fatalf("ParseCursor(%q) = %q, %v", next, c, err)
	}

	k, _ := base64.RawURLEncoding.DecodeString(string(next))
	k[len(k)-1] ^= 1 // same form, another id
	unknown := Cursor(base64.RawURLEncoding.EncodeToString(k))
	for _, c := range []Cursor{"not base64!", "AAAA", "x", Cursor(strings.Repeat("A", 600)), next + "=", unknown} {
		if err := st.CheckCursor(ctx, c); !errors.Is(err, ErrInvalidCursor) {
			t.Errorf("CheckCursor(%.20q) = %v, want ErrInvalidCursor", c, err)
		}
		if c == unknown {
			continue // well-formed: Newest starts after the position it names
		}
		if _, err := ParseCursor(string(c)); !errors.Is(err, ErrInvalidCursor) {
			t.Errorf("ParseCursor(%.20q) = %v, want ErrInvalidCursor", c, err)
		}
		if _, _, err := st.Newest(ctx, 1, Filter{}, c); !errors.Is(err, ErrInvalidCursor) {
			t.Errorf("Newest after %.20q: %v, want ErrInvalidCursor", c, err)
		}
	}
}
