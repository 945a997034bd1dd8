// Package serial formats and parses document serial numbers such as
// TS-20261122-0001: a document prefix, the Asia/Shanghai date the document
// was created and the day's sequence number, zero-padded to four digits
// (a day with more than 9999 documents simply gets longer numbers).
//
// Allocation (unique, gap-free) needs the database and lives in hooks; this
// package is the pure part.
package serial

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Prefixes of the business documents' serials: the initials of the
// documents' names in pinyin.
const (
	Complaint  = "TS" // 投诉
	WorkOrder  = "PG" // 派工单
	Renovation = "ZX" // 装修
	Bill       = "ZD" // 账单
	Receipt    = "SK" // 收款收据
)

var shanghai = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}()

var prefixRe = regexp.MustCompile(`^[A-Z]{2,4}$`)

var serialRe = regexp.MustCompile(`^([A-Z]{2,4})-(\d{8})-(\d{4,9})$`)

// Day is the date key of t in Asia/Shanghai, e.g. "20261122".
func Day(t time.Time) string {
	return t.In(shanghai).Format("20060102")
}

// Format builds the serial for the seq-th document of prefix on day (as
// returned by Day). It returns an error for a malformed prefix or day, or a
// sequence below 1, so a broken caller cannot mint an unparsable number.
func Format(prefix, day string, seq int) (string, error) {
	if !prefixRe.MatchString(prefix) {
		return "", fmt.Errorf("serial: bad prefix %q", prefix)
	}
	if _, err := time.Parse("20060102", day); err != nil {
		return "", fmt.Errorf("serial: bad day %q: %w", day, err)
	}
	if seq < 1 {
		return "", fmt.Errorf("serial: sequence %d is below 1", seq)
	}
	return fmt.Sprintf("%s-%s-%04d", prefix, day, seq), nil
}

// Serial is a parsed serial number.
type Serial struct {
	Prefix string
	Day    string
	Seq    int
}

// Parse splits a serial into its parts and checks each of them.
func Parse(s string) (Serial, error) {
	m := serialRe.FindStringSubmatch(s)
	if m == nil {
		return Serial{}, fmt.Errorf("serial: %q is not of the form XX-YYYYMMDD-NNNN", s)
	}
	if _, err := time.Parse("20060102", m[2]); err != nil {
		return Serial{}, fmt.Errorf("serial: %q has no real date: %w", s, err)
	}
	seq, err := strconv.Atoi(m[3])
	if err != nil || seq < 1 {
		return Serial{}, fmt.Errorf("serial: %q has a bad sequence", s)
	}
	// Sequences below 10000 are always written with four digits, so a
	// serial such as XX-20260101-00001 is not canonical.
	if want, _ := Format(m[1], m[2], seq); want != s {
		return Serial{}, fmt.Errorf("serial: %q is not canonical (want %q)", s, want)
	}
	return Serial{Prefix: m[1], Day: m[2], Seq: seq}, nil
}
