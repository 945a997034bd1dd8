package serial

import (
	"testing"
	"time"
)

func TestDayUsesShanghai(t *testing.T) {
	// 2026-11-21 16:30 UTC is already 00:30 on the 22nd in Shanghai.
	utc := time.Date(2026, 11, 21, 16, 30, 0, 0, time.UTC)
	if got := Day(utc); got != "20261122" {
		t.Fatalf("Day(%v) = %s, want 20261122", utc, got)
	}
	if got := Day(utc.Add(-time.Hour)); got != "20261121" {
		t.Fatalf("Day one hour earlier = %s, want 20261121", got)
	}
}

func TestFormat(t *testing.T) {
	cases := []struct {
		prefix, day string
		seq         int
		want        string
		bad         bool
	}{
		{"TS", "20261122", 1, "TS-20261122-0001", false},
		{"PG", "20260101", 42, "PG-20260101-0042", false},
		{"ZD", "20261231", 9999, "ZD-20261231-9999", false},
		{"SK", "20261231", 10000, "SK-20261231-10000", false},
		{"ts", "20261122", 1, "", true},
		{"TS", "20261322", 1, "", true},
		{"TS", "2026112", 1, "", true},
		{"TS", "20261122", 0, "", true},
	}
	for _, c := range cases {
		got, err := Format(c.prefix, c.day, c.seq)
		if (err != nil) != c.bad {
			t.Errorf("Format(%q,%q,%d) error = %v, want error %v", c.prefix, c.day, c.seq, err, c.bad)
			continue
		}
		if got != c.want {
			t.Errorf("Format(%q,%q,%d) = %q, want %q", c.prefix, c.day, c.seq, got, c.want)
		}
	}
}

func TestParse(t *testing.T) {
	s, err := Parse("TS-20261122-0007")
	if err != nil || s != (Serial{"TS", "20261122", 7}) {
		t.Fatalf("Parse = %+v, %v", s, err)
	}
	for _, bad := range []string{"", "TS-20261122-1", "TS-20261122-00001", "TS-20260230-0001", "T-20261122-0001", "TS20261122-0001", "TS-20261122-0000"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted a malformed serial", bad)
		}
	}
}

func FuzzParseFormat(f *testing.F) {
	f.Add("TS-20261122-0001")
	f.Add("ZX-20240229-12345")
	f.Add("PG-2026-01")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		if err != nil {
			return
		}
		back, err := Format(p.Prefix, p.Day, p.Seq)
		if err != nil {
			t.Fatalf("Parse(%q) gave %+v which Format refuses: %v", s, p, err)
		}
		if back != s {
			t.Fatalf("round trip %q -> %+v -> %q", s, p, back)
		}
	})
}
