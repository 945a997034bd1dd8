package money

import "testing"

func TestYuan(t *testing.T) {
	for fen, want := range map[int64]string{0: "0.00 元", 5: "0.05 元", 100: "1.00 元", 12345: "123.45 元", -50: "-0.50 元", 2000000: "20000.00 元"} {
		if got := Yuan(fen); got != want {
			t.Errorf("Yuan(%d) = %q, want %q", fen, got, want)
		}
	}
}
