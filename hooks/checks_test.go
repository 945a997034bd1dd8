package hooks_test

import "testing"

// checks counts the checks of a test that reports tried / held / lost
// (RELIABILITY.md), failing the test on each that does not hold.
type checks struct {
	t           *testing.T
	tried, held int
}

func (c *checks) check(ok bool, format string, args ...any) {
	c.t.Helper()
	c.tried++
	if ok {
		c.held++
	} else {
		c.t.Errorf(format, args...)
	}
}

// log writes the family's one summary line.
func (c *checks) log(family string) {
	c.t.Helper()
	c.t.Logf("%s: tried %d, held %d, lost %d", family, c.tried, c.held, c.tried-c.held)
}
