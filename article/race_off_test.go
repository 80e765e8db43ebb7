//go:build !race

package article

// raceDetector is true in a -race build: the corpus tests then score a fixed
// sample, since the detector makes page extraction some twenty times slower.
const raceDetector = false
