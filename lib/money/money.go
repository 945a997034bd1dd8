// Package money handles amounts of renminbi, which Wuye keeps as integer
// fen (1 元 = 100 分) and never as floating point.
package money

import "fmt"

// Yuan formats fen as yuan with two decimals, e.g. 12345 → "123.45 元",
// -50 → "-0.50 元".
func Yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d 元", sign, fen/100, fen%100)
}
