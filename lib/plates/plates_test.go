package plates

import (
	"testing"
	"unicode/utf8"
)

// The household file takes the vehicles' plates ([004] 二 2); a plate a
// clerk types is read the way it is painted, new-energy plates included.
func TestRead(t *testing.T) {
	cases := []struct {
		in, want string
		kind     Kind
	}{
		{"渝A12345", "渝A12345", Ordinary},
		{"渝a·12345", "渝A12345", Ordinary},
		{" 渝Ａ １２３４５ ", "渝A12345", Ordinary},
		{"渝AB123挂", "渝AB123挂", Ordinary},
		{"粤B1234学", "粤B1234学", Ordinary},
		{"渝AD12345", "渝AD12345", NewEnergySmall},
		{"渝AFA1234", "渝AFA1234", NewEnergySmall},
		{"渝A12345D", "渝A12345D", NewEnergyLarge},
		{"渝A-12345F", "渝A12345F", NewEnergyLarge},
		{"渝A1234", "渝A1234", Invalid},       // too short
		{"渝A123456", "渝A123456", Invalid},   // eight without D or F
		{"渝AI2345", "渝AI2345", Invalid},     // no I
		{"渝AO2345", "渝AO2345", Invalid},     // no O
		{"AA12345", "AA12345", Invalid},     // no province
		{"哈A12345", "哈A12345", Invalid},     // not a province
		{"渝112345", "渝112345", Invalid},     // issuer is a letter
		{"渝AD1234X", "渝AD1234X", Invalid},   // new energy ends in digits
		{"渝A挂1234", "渝A挂1234", Invalid},     // suffix only last
		{"渝AB12345挂", "渝AB12345挂", Invalid}, // nine
		{"", "", Invalid},
	}
	for _, c := range cases {
		got, kind := Read(c.in)
		if got != c.want || kind != c.kind {
			t.Errorf("Read(%q) = %q, %v; want %q, %v", c.in, got, kind, c.want, c.kind)
		}
	}
}

// FuzzRead: whatever is typed, normalising is idempotent, and a plate
// read as valid is seven or eight characters that read the same again.
func FuzzRead(f *testing.F) {
	for _, s := range []string{"渝A12345", "渝ad12345", "粤B1234学", "渝A12345D", "  ", "\xff", "渝Ａ１２３４５"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, kind := Read(s)
		if Normalize(p) != p {
			t.Fatalf("Normalize not idempotent: %q -> %q -> %q", s, p, Normalize(p))
		}
		if kind != Invalid {
			if n := utf8.RuneCountInString(p); n != 7 && n != 8 {
				t.Fatalf("%q read as %v with %d characters", p, kind, n)
			}
			if q, k := Read(p); q != p || k != kind {
				t.Fatalf("%q reads again as %q, %v", p, q, k)
			}
		}
	})
}
