package money

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCapital(t *testing.T) {
	cases := map[int64]string{
		0:                "零元整",
		1:                "壹分",
		10:               "壹角整",
		50:               "伍角整",
		55:               "伍角伍分",
		100:              "壹元整",
		1000:             "壹拾元整",
		1050:             "壹拾元伍角整",
		1005:             "壹拾元零伍分",
		10000:            "壹佰元整",
		100005:           "壹仟元零伍分",
		123456:           "壹仟贰佰叁拾肆元伍角陆分", // the example
		168032:           "壹仟陆佰捌拾元叁角贰分",
		100100:           "壹仟零壹元整",
		101000:           "壹仟零壹拾元整",
		1000000:          "壹万元整",
		1000005:          "壹万元零伍分",
		10000000:         "壹拾万元整",
		10001000:         "壹拾万零壹拾元整",
		100100000:        "壹佰万零壹仟元整",
		1234567800:       "壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元整",
		10000000000:      "壹亿元整",
		10000100000:      "壹亿零壹仟元整",
		100000000100:     "壹拾亿零壹元整",
		210019500:        "贰佰壹拾万零壹佰玖拾伍元整",
		100000000000000:  "壹万亿元整",
		100010000000000:  "壹万零壹亿元整",
		100000001000000:  "壹万亿零壹万元整",
		9223372036854775: "玖拾贰万贰仟叁佰叁拾柒亿贰仟零叁拾陆万捌仟伍佰肆拾柒元柒角伍分",
		-10000:           "负壹佰元整",
		-5:               "负伍分",
	}
	for fen, want := range cases {
		if got := Capital(fen); got != want {
			t.Errorf("Capital(%d) = %s, want %s", fen, got, want)
		}
	}
}

// parseCapital reads a capital amount back into fen: the test's
// independent check that Capital says the right number.
func parseCapital(s string) (int64, bool) {
	neg := strings.HasPrefix(s, "负")
	s = strings.TrimPrefix(s, "负")
	digits := map[rune]int64{'零': 0, '壹': 1, '贰': 2, '叁': 3, '肆': 4, '伍': 5, '陆': 6, '柒': 7, '捌': 8, '玖': 9}
	var total, section, digit int64
	var yuan int64
	for _, r := range s {
		if d, ok := digits[r]; ok {
			digit = d
			continue
		}
		switch r {
		case '拾':
			section += digit * 10
		case '佰':
			section += digit * 100
		case '仟':
			section += digit * 1000
		case '万':
			total += (section + digit) * 10000
			section = 0
		case '亿':
			total = (total + section + digit) * 100000000
			section = 0
		case '元':
			yuan = total + section + digit
			total, section = 0, 0
		case '角':
			total += digit * 10
		case '分':
			total += digit
		case '整':
		default:
			return 0, false
		}
		digit = 0
	}
	fen := yuan*100 + total
	if neg {
		fen = -fen
	}
	return fen, true
}

func FuzzCapital(f *testing.F) {
	for _, seed := range []int64{0, 1, 5, 10, 100, 1005, 123456, 100100000, 10000100000, -99, 100010000000000, MaxCapital, math.MaxInt64} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, fen int64) {
		if fen > MaxCapital || fen < -MaxCapital {
			if Capital(fen) != "" {
				t.Fatalf("Capital(%d) wrote an amount beyond its range", fen)
			}
			return
		}
		s := Capital(fen)
		if !utf8.ValidString(s) || strings.Contains(s, "零零") || strings.HasSuffix(s, "零") ||
			strings.Contains(s, "零元") && fen != 0 || strings.Contains(s, "零万") || strings.Contains(s, "零亿") {
			t.Fatalf("Capital(%d) = %s is malformed", fen, s)
		}
		if ends := strings.HasSuffix(s, "整"); ends != (fen%10 == 0) {
			t.Fatalf("Capital(%d) = %s: 整 exactly when there are no 分", fen, s)
		}
		if back, ok := parseCapital(s); !ok || back != fen {
			t.Fatalf("Capital(%d) = %s reads back as %d", fen, s, back)
		}
	})
}
