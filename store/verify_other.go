//go:build !unix

package store

import (
	"os"
	"time"
)

// mapFile reads the first size bytes of f: where the check does not map the
// file, it reads it whole.
func mapFile(f *os.File, size int) (data []byte, unmap func() error, err error) {
	data = make([]byte, size)
	if _, err := f.ReadAt(data, 0); err != nil {
		return nil, nil, err
	}
	return data, func() error { return nil }, nil
}

// lockFile does nothing here: bbolt takes its own lock just after the
// check.
func lockFile(*os.File, bool, time.Duration) error { return nil }
