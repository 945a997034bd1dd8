package money

import "strings"

var (
	capitalDigits = []string{"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"}
	capitalUnits  = []string{"", "拾", "佰", "仟"}
)

// MaxCapital is the largest amount Capital writes: just under 1亿亿元 (10¹⁶
// yuan), far beyond any bill; larger amounts give "".
const MaxCapital = 1e18 - 1

// Capital writes fen as a Chinese capital amount (大写金额) for receipts and
// statements, following 《会计基础工作规范》 第五十二条:
//
//   - 拾 always carries its digit: 10 元 is 壹拾元整;
//   - zeros inside the number are written as one 零 however many there are;
//     zeros at the end of the number or of the whole 元 part are not written;
//   - an amount that ends at 元 or 角 ends with 整; one with 分 does not;
//   - when 角 is 0 and 分 is not, 元 is followed by 零 (壹仟元零伍分);
//     when 元 ends in 0 and 角 is not 0 the rule allows either form, and
//     this writes none (壹仟陆佰捌拾元叁角贰分), as VAT invoices do;
//   - 0 is 零元整; a negative amount (a reversal) starts with 负;
//   - 万 repeats inside the 亿 section: 1,0001,0000,0000 元 is 壹万零壹亿元整.
//
// Examples: 123456 → 壹仟贰佰叁拾肆元伍角陆分; 1000005 → 壹万元零伍分.
func Capital(fen int64) string {
	if fen == 0 {
		return "零元整"
	}
	if fen > MaxCapital || fen < -MaxCapital {
		return ""
	}
	var b strings.Builder
	if fen < 0 {
		b.WriteString("负")
		fen = -fen
	}
	yuan, jiao, f := fen/100, fen/10%10, fen%10
	if yuan > 0 {
		b.WriteString(capitalInteger(yuan))
		b.WriteString("元")
	}
	switch {
	case jiao == 0 && f == 0:
		b.WriteString("整")
	case jiao == 0:
		if yuan > 0 {
			b.WriteString("零")
		}
		b.WriteString(capitalDigits[f] + "分")
	default:
		b.WriteString(capitalDigits[jiao] + "角")
		if f == 0 {
			b.WriteString("整")
		} else {
			b.WriteString(capitalDigits[f] + "分")
		}
	}
	return b.String()
}

// capitalInteger writes a positive whole number below 10¹⁶ in capitals, in
// groups of four digits: 万 after the second and fourth group, 亿 after the
// third once anything stands above it. A zero is held back and written only
// when a non-zero digit follows it, which gives one 零 for any run of zeros
// and none at the end.
func capitalInteger(n int64) string {
	var groups []int64 // four digits each, lowest first
	for ; n > 0; n /= 10000 {
		groups = append(groups, n%10000)
	}
	var b strings.Builder
	started, pendingZero := false, false
	for i := len(groups) - 1; i >= 0; i-- {
		if g := groups[i]; g != 0 {
			for pos := 3; pos >= 0; pos-- {
				d := g / pow10[pos] % 10
				if d == 0 {
					pendingZero = pendingZero || started
					continue
				}
				if pendingZero {
					b.WriteString("零")
					pendingZero = false
				}
				b.WriteString(capitalDigits[d] + capitalUnits[pos])
				started = true
			}
			if i%2 == 1 {
				b.WriteString("万")
			}
		} else {
			pendingZero = pendingZero || started
		}
		if i == 2 && started {
			b.WriteString("亿")
		}
	}
	return b.String()
}

var pow10 = []int64{1, 10, 100, 1000}
