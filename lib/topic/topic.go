// Package topic judges whether two complaints are about the same thing, for
// the hot-complaint groups (docs/DESIGN.md § Complaints, "Hot groups";
// [001] 中汇广场 七: 热点投诉; office practice: the same matter raised by several residents).
// Two complaints of the same building and window are the same matter when
// they share the category and either the place they name or enough of
// their words: a noise complaint and a garage-lighting one of the same
// category and building are not.
//
// It is pure: the caller reads the candidates (the same category and
// building within the window, in SQL) and asks Match of each pair.
package topic

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Complaint is what the judgement reads of a complaint.
type Complaint struct {
	Category string
	Unit     string // the unit's id, when it is about a unit
	Location string // a common area named instead of a unit ("2栋电梯")
	Content  string
}

// Reason says why two complaints were grouped; it is stored with the
// complaint and shown to the supervisor who may split a wrong group.
type Reason struct {
	Category     string   `json:"category"`
	SameLocation bool     `json:"same_location,omitempty"`
	Keywords     []string `json:"keywords,omitempty"` // shared words, as they read in the text
}

// MinShared is how many two-character terms two complaints must share to
// be about the same thing when they name no common place.
const MinShared = 2

// stop are two-character terms that say nothing about the matter: every
// complaint "反映" a "问题" and "希望" the "物业" "处理".
var stop = map[string]bool{}

func init() {
	for _, s := range strings.Fields(`投诉 反映 问题 物业 处理 希望 要求 请求 没有 一直 我们 我家 业主 住户 小区 现在 已经 还是
		不是 什么 怎么 这个 那个 一下 一些 情况 影响 严重 非常 很多 每天 晚上 白天 今天 昨天 时候 还有 而且 但是 因为 所以 可以 不能 不要
		麻烦 尽快 及时 马上 解决 联系 电话 来电 来访 来函 之前 以后 长期 多次 经常 总是 太大 太差 很大 很差 一个 这里 那里 所有 其他`) {
		stop[s] = true
	}
}

// terms lists the text's two-character terms of Chinese runs and its
// latin words of two letters or more, lower-cased, in reading order, once
// each. Digits and punctuation split runs.
func terms(s string) []string {
	var out []string
	add := func(t string) {
		if !stop[t] && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	var run []rune
	var word []rune
	flush := func() {
		for i := 0; i+1 < len(run); i++ {
			add(string(run[i : i+2]))
		}
		if len(word) >= 2 {
			add(strings.ToLower(string(word)))
		}
		run, word = run[:0], word[:0]
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r):
			if len(word) > 0 {
				flush()
			}
			run = append(run, r)
		case r < utf8.RuneSelf && (unicode.IsLetter(r)):
			if len(run) > 0 {
				flush()
			}
			word = append(word, r)
		default:
			flush()
		}
	}
	flush()
	return out
}

// Keywords lists the matter's terms of a complaint: its location and content.
func Keywords(c Complaint) []string { return terms(c.Location + " " + c.Content) }

// normPlace folds a place name for comparison: spaces and punctuation out.
func normPlace(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// Match says whether a and b are about the same thing, and why. They must
// share the category; then either name the same common place, or share at
// least MinShared terms of what they say.
func Match(a, b Complaint) (Reason, bool) {
	r := Reason{Category: a.Category}
	if a.Category == "" || a.Category != b.Category {
		return r, false
	}
	if pa, pb := normPlace(a.Location), normPlace(b.Location); pa != "" && pa == pb {
		r.SameLocation = true
	}
	ka, kb := Keywords(a), Keywords(b)
	var shared []string
	for _, t := range ka {
		if slices.Contains(kb, t) {
			shared = append(shared, t)
		}
	}
	r.Keywords = phrases(a.Location+" "+a.Content, shared)
	return r, r.SameLocation || len(shared) >= MinShared
}

// phrases joins the shared terms that follow each other in text into the
// words they make ("电梯" and "梯卫" … read "电梯卫生"), in reading order.
func phrases(text string, shared []string) []string {
	if len(shared) == 0 {
		return nil
	}
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) >= 2 && !slices.Contains(out, string(cur)) {
			out = append(out, string(cur))
		}
		cur = cur[:0]
	}
	runes := []rune(text)
	for i := 0; i < len(runes); i++ {
		if i+1 < len(runes) && slices.Contains(shared, string(runes[i:i+2])) {
			if len(cur) == 0 {
				cur = append(cur, runes[i], runes[i+1])
			} else {
				cur = append(cur, runes[i+1])
			}
			continue
		}
		flush()
	}
	flush()
	// Latin words shared (they are not bigrams of the text).
	for _, t := range shared {
		if !isHan(t) && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func isHan(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return s != ""
}
