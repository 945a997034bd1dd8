// Package plates reads Chinese licence plates (机动车号牌) as a front desk
// types them into a household's file: it normalises the input (spaces,
// the dot between issuer and number, full-width letters and digits, lower
// case) and says whether the result is a plate and which kind.
//
// The shapes (GA 36, and the new-energy plates of 2016):
//
//   - ordinary, 7 characters: province, issuing letter, five letters or
//     digits (no I or O), the last possibly 挂 学 警 港 澳 领 试 超:
//     渝A12345, 渝AB123挂;
//   - new energy, small car, 8 characters: province, issuing letter, D
//     (battery) or F (hybrid), a letter or a digit, four digits: 渝AD12345,
//     渝AF1A234 is not one (the four last are digits);
//   - new energy, large vehicle, 8 characters: province, issuing letter,
//     five digits, D or F: 渝A12345D.
package plates

import (
	"strings"
	"unicode/utf8"
)

// Kind is what a plate is.
type Kind int

const (
	Invalid Kind = iota
	Ordinary
	NewEnergySmall
	NewEnergyLarge
)

// provinces are the issuing provinces' one-character abbreviations.
const provinces = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"

// suffixes may end an ordinary plate (trailer, learner, police, Hong Kong
// and Macao, consulate, test, oversize).
const suffixes = "挂学警港澳领试超"

// Normalize is the plate as stored: upper case, half-width, without
// spaces, dots or dashes.
func Normalize(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'Ａ' && r <= 'Ｚ':
			r = r - 'Ａ' + 'A'
		case r >= 'ａ' && r <= 'ｚ':
			r = r - 'ａ' + 'A'
		case r >= '０' && r <= '９':
			r = r - '０' + '0'
		case r >= 'a' && r <= 'z':
			r = r - 'a' + 'A'
		}
		switch r {
		case ' ', '\t', '\u3000', '·', '•', '.', '-', '．', '－', '\u00a0':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func letter(r rune) bool       { return r >= 'A' && r <= 'Z' }
func digit(r rune) bool        { return r >= '0' && r <= '9' }
func serialChar(r rune) bool   { return digit(r) || letter(r) && r != 'I' && r != 'O' }
func energyLetter(r rune) bool { return r == 'D' || r == 'F' }

// Parse says which kind of plate p (already normalised) is.
func Parse(p string) Kind {
	if !utf8.ValidString(p) {
		return Invalid
	}
	rs := []rune(p)
	if len(rs) != 7 && len(rs) != 8 {
		return Invalid
	}
	if !strings.ContainsRune(provinces, rs[0]) || !letter(rs[1]) {
		return Invalid
	}
	rest := rs[2:]
	if len(rs) == 7 {
		for i, r := range rest {
			if serialChar(r) || i == 4 && strings.ContainsRune(suffixes, r) {
				continue
			}
			return Invalid
		}
		return Ordinary
	}
	// Eight characters: new energy.
	if energyLetter(rest[0]) && serialChar(rest[1]) && allDigits(rest[2:]) {
		return NewEnergySmall
	}
	if allDigits(rest[:5]) && energyLetter(rest[5]) {
		return NewEnergyLarge
	}
	return Invalid
}

func allDigits(rs []rune) bool {
	for _, r := range rs {
		if !digit(r) {
			return false
		}
	}
	return true
}

// Read normalises s and parses it: the plate as stored and its kind.
func Read(s string) (string, Kind) {
	p := Normalize(s)
	return p, Parse(p)
}
