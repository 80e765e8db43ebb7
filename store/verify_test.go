package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/article"
)

// TestOpenRefusesDamagedFiles: what Open refuses before bbolt maps the
// file (cmd/tributary's TestDamagedStoreIsAnError runs the binary over
// more kinds of damage), and that it leaves such a file as it was.
func TestOpenRefusesDamagedFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	whole := filepath.Join(dir, "whole.db")
	st, err := Open(ctx, whole, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fillStore(t, st, 500)
	st.Close()
	b, err := os.ReadFile(whole)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		bytes []byte
		want  string
	}{
		"empty":     {nil, "the file is empty (0 bytes)"},
		"truncated": {b[:len(b)/2], "truncated: the file is"},
		"meta":      {func() []byte { c := append([]byte(nil), b...); c[16+40] ^= 1; return c }(), "meta page 0 fails its checksum"},
		"root page": {func() []byte { c := append([]byte(nil), b...); clear(c[2*4096 : len(c)/2]); return c }(), "says it is page 0"},
	} {
		path := filepath.Join(dir, name+".db")
		if err := os.WriteFile(path, c.bytes, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Open(ctx, path, Options{})
		if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: %v, want ErrDamaged: %s", name, err, c.want)
		}
		if got, _ := os.ReadFile(path); string(got) != string(c.bytes) {
			t.Errorf("%s: Open changed the file", name)
		}
		problems, err := CheckFile(ctx, path)
		if err != nil || len(problems) == 0 || !errors.Is(problems[0], ErrDamaged) {
			t.Errorf("%s: CheckFile: %v, %v", name, problems, err)
		}
	}
	if problems, err := CheckFile(ctx, whole); err != nil || len(problems) > 0 {
		t.Errorf("CheckFile on a whole store: %v, %v", problems, err)
	}
}

// TestReadFaultIsAnError: a store file cut short while the store is open
// makes its readers fault on the mapped pages; they return an error
// wrapping ErrDamaged instead of crashing the process.
func TestReadFaultIsAnError(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "t.db")
	st, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	pub := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var arts []article.Article
	for i := range 400 {
		a := art("s", fmt.Sprint(i), strings.Repeat("title ", 50), pub.Add(time.Duration(i)*time.Minute))
		a.Content = strings.Repeat("<p>body</p>", 200)
		arts = append(arts, a)
	}
	if _, err := st.Apply(ctx, "s", SourceState{URL: "http://x/"}, arts); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, 4*4096); err != nil {
		t.Fatal(err)
	}
	_, _, err = st.Newest(ctx, 50, Filter{}, "")
	if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), path) {
		t.Errorf("Newest on a file cut short: %v, want ErrDamaged", err)
	}
	if _, err := st.Stats(ctx); !errors.Is(err, ErrDamaged) {
		t.Errorf("Stats on a file cut short: %v, want ErrDamaged", err)
	}
}

// FuzzOpenDamaged: whatever the bytes of the file, Open returns a store or
// an error, and a store it returns can be read and checked: a file the
// check before mapping lets through never makes bbolt panic or fault.
//
//	go test -run='^$' -fuzz=FuzzOpenDamaged -fuzztime=2m ./store
func FuzzOpenDamaged(f *testing.F) {
	ctx := context.Background()
	seed := filepath.Join(f.TempDir(), "seed.db")
	st, err := Open(ctx, seed, Options{})
	if err != nil {
		f.Fatal(err)
	}
	pub := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for s := range 3 {
		src := fmt.Sprintf("s%d", s)
		var arts []article.Article
		for i := range 20 {
			arts = append(arts, art(src, fmt.Sprint(i), "title "+fmt.Sprint(i), pub.Add(time.Duration(i)*time.Hour)))
		}
		if _, err := st.Apply(ctx, src, SourceState{URL: "http://x/" + src}, arts); err != nil {
			f.Fatal(err)
		}
	}
	st.Close()
	b, err := os.ReadFile(seed)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	for _, off := range []int{16 + 24, 2*4096 + 8, 3*4096 + 10, 3*4096 + 16, 4*4096 + 20, 5*4096 + 40} {
		if off < len(b) {
			c := append([]byte(nil), b...)
			c[off] ^= 0x41
			f.Add(c)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "f.db")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		st, err := Open(ctx, path, Options{})
		if err != nil {
			// A schema value changed may also be too new, or an upgrade
			// that fails: errors too, not damage found by the check.
			if !errors.Is(err, ErrDamaged) && !errors.Is(err, ErrSchemaTooNew) && !strings.Contains(err.Error(), "upgrade schema") {
				t.Fatalf("not ErrDamaged: %v", err)
			}
			return
		}
		defer st.Close()
		st.Check(ctx)
		st.Newest(ctx, 10, Filter{}, "")
		st.Stats(ctx)
	})
}
