package importer

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Text is a message in the two languages of the UI, Chinese first.
type Text struct{ Zh, En string }

// In is the text for lang ("en" or anything else for Chinese).
func (t Text) In(lang string) string {
	if lang == "en" && t.En != "" {
		return t.En
	}
	return t.Zh
}

func bad(zh, en string) *Text { return &Text{zh, en} }

var (
	moneyPlain   = regexp.MustCompile(`^\d+(\.\d+)?$`)
	moneyGrouped = regexp.MustCompile(`^\d{1,3}(,\d{3})+(\.\d+)?$`)
)

// MaxFen is the largest amount a cell may hold: ten billion yuan.
const MaxFen = 1_000_000_000_000

// Money reads an amount in yuan ("1,234.50", "¥1234.5", "1234元") as
// integer fen (123450). More than two decimals is refused (a fen is the
// smallest amount), except for the long tail of a computed cell's binary
// fraction (1234.4999999999998), which is rounded.
func Money(s string) (int64, *Text) {
	v := strings.TrimSpace(s)
	v = strings.TrimPrefix(strings.TrimPrefix(v, "¥"), "￥")
	v = strings.TrimSpace(strings.TrimSuffix(v, "元"))
	if strings.HasPrefix(v, "-") {
		return 0, bad("金额不能为负数", "The amount cannot be negative.")
	}
	if !moneyPlain.MatchString(v) && !moneyGrouped.MatchString(v) {
		return 0, bad("不是金额（应为数字，如 1,234.50）", "Not an amount (a number such as 1,234.50).")
	}
	v = strings.ReplaceAll(v, ",", "")
	whole, frac, _ := strings.Cut(v, ".")
	if len(frac) > 2 {
		if len(frac) < 10 {
			return 0, bad("金额最多两位小数（到分）", "At most two decimals (fen).")
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f*100 > MaxFen {
			return 0, bad("金额太大", "The amount is too large.")
		}
		return int64(math.Round(f * 100)), nil
	}
	if len(whole) > 13 {
		return 0, bad("金额太大", "The amount is too large.")
	}
	frac += strings.Repeat("0", 2-len(frac))
	fen, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || fen > MaxFen {
		return 0, bad("金额太大", "The amount is too large.")
	}
	return fen, nil
}

var (
	dateSep    = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$`)
	dateDigits = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
	serialDate = regexp.MustCompile(`^\d{1,6}(\.\d+)?$`)
)

// Date reads a date as YYYY-MM-DD: "2026-03-01", "2026/3/1", "2026.3.1",
// "2026年3月1日", "20260301", or an Excel date cell's serial number
// (46082 is 2026-03-01).
func Date(s string) (string, *Text) {
	v := strings.TrimSpace(s)
	var y, m, d int
	if p := dateSep.FindStringSubmatch(v); p != nil {
		y, m, d = atoi(p[1]), atoi(p[2]), atoi(p[3])
	} else if p := dateDigits.FindStringSubmatch(v); p != nil {
		y, m, d = atoi(p[1]), atoi(p[2]), atoi(p[3])
	} else if serialDate.MatchString(v) {
		f, _ := strconv.ParseFloat(v, 64)
		// 1 is 1900-01-01; 2958465 is 9999-12-31. Dates before 1950 are
		// not an estate's.
		if f < 18264 || f > 2958465 {
			return "", bad("不是日期（应为 2026-03-01 或 2026/3/1）", "Not a date (2026-03-01 or 2026/3/1).")
		}
		t, err := excelize.ExcelDateToTime(math.Floor(f), false)
		if err != nil {
			return "", bad("不是日期（应为 2026-03-01 或 2026/3/1）", "Not a date (2026-03-01 or 2026/3/1).")
		}
		return t.Format(time.DateOnly), nil
	} else {
		return "", bad("不是日期（应为 2026-03-01 或 2026/3/1）", "Not a date (2026-03-01 or 2026/3/1).")
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if y < 1950 || y > 2100 || t.Month() != time.Month(m) || t.Day() != d {
		return "", &Text{"日期不存在：" + v, "No such date: " + v + "."}
	}
	return t.Format(time.DateOnly), nil
}

var (
	periodMonth   = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$`)
	periodQuarter = regexp.MustCompile(`^(\d{4})\s*[-/ ]?\s*[Qq]([1-4])$`)
	periodQuarZh  = regexp.MustCompile(`^(\d{4})\s*年\s*第?\s*([1-4一二三四])\s*季度?$`)
)

// Period reads a billing period: a month ("2026-01", "2026/1", "2026年1月",
// or a date cell, whose month it is) or a quarter ("2026-Q1", "2026年第1季度").
func Period(s string) (string, *Text) {
	v := strings.TrimSpace(s)
	if p := periodMonth.FindStringSubmatch(v); p != nil {
		if m := atoi(p[2]); m >= 1 && m <= 12 {
			return fmt.Sprintf("%s-%02d", p[1], m), nil
		}
	} else if p := periodQuarter.FindStringSubmatch(v); p != nil {
		return p[1] + "-Q" + p[2], nil
	} else if p := periodQuarZh.FindStringSubmatch(v); p != nil {
		q := strings.NewReplacer("一", "1", "二", "2", "三", "3", "四", "4").Replace(p[2])
		return p[1] + "-Q" + q, nil
	} else if d, err := Date(v); err == nil {
		return d[:7], nil
	}
	return "", bad("不是账期（应为 2026-01 或 2026-Q1）", "Not a billing period (2026-01 or 2026-Q1).")
}

var (
	mobile   = regexp.MustCompile(`^1\d{10}$`)
	landline = regexp.MustCompile(`^0\d{2,3}-?\d{7,8}$`)
)

// Phone reads a mobile number (spaces, dashes and a +86 prefix dropped) or
// a landline with its area code (023-67880000).
func Phone(s string) (string, *Text) {
	v := strings.TrimSpace(s)
	if landline.MatchString(v) {
		return v, nil
	}
	v = strings.NewReplacer(" ", "", "-", "", "\u00a0", "").Replace(v)
	v = strings.TrimPrefix(strings.TrimPrefix(v, "+86"), "0086")
	if mobile.MatchString(v) {
		return v, nil
	}
	return "", bad("不是手机号（11 位，以 1 开头）或带区号的固定电话", "Not a mobile number (11 digits starting with 1) or a landline with its area code.")
}

var number = regexp.MustCompile(`^-?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$`)

// Number reads a decimal number ("86.5", "1,024.25").
func Number(s string) (float64, *Text) {
	v := strings.TrimSpace(s)
	if !number.MatchString(v) {
		return 0, bad("不是数字", "Not a number.")
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", ""), 64)
	if err != nil || math.IsInf(f, 0) || math.Abs(f) > 1e12 {
		return 0, bad("数字太大", "The number is too large.")
	}
	return f, nil
}

// Int reads a whole number ("6", or "6.0" as a number cell may hold it).
func Int(s string) (int64, *Text) {
	f, err := Number(s)
	if err != nil {
		return 0, err
	}
	if f != math.Trunc(f) {
		return 0, bad("必须是整数", "Must be a whole number.")
	}
	return int64(f), nil
}

// Choice is one allowed value of a column: its stored code and labels.
type Choice struct{ Code, Zh, En string }

// Pick reads a choice by its Chinese label, English label or code.
func Pick(s string, choices []Choice) (string, *Text) {
	v := strings.TrimSpace(s)
	for _, c := range choices {
		if v == c.Zh || strings.EqualFold(v, c.En) || strings.EqualFold(v, c.Code) {
			return c.Code, nil
		}
	}
	var zh, en []string
	seen := map[string]bool{}
	for _, c := range choices {
		if !seen[c.Code] { // the first label of a code is its own, the rest other words for it
			seen[c.Code] = true
			zh, en = append(zh, c.Zh), append(en, c.En)
		}
	}
	return "", &Text{fmt.Sprintf("“%s”不是可选的值，应为：%s", v, strings.Join(zh, "、")), fmt.Sprintf("%q is not allowed; use one of: %s.", v, strings.Join(en, ", "))}
}

// Label is the Chinese label of code among choices (the code if none).
func Label(code string, choices []Choice) string {
	for _, c := range choices {
		if c.Code == code {
			return c.Zh
		}
	}
	return code
}

// TextCell checks a text cell's length (in characters).
func TextCell(s string, max int) (string, *Text) {
	if max > 0 && utf8.RuneCountInString(s) > max {
		return "", &Text{fmt.Sprintf("内容太长（最多 %d 个字）", max), fmt.Sprintf("Too long (%d characters at most).", max)}
	}
	if strings.ContainsAny(s, "\x00\r\n") {
		return "", bad("不能包含换行或控制字符", "Cannot contain line breaks or control characters.")
	}
	return s, nil
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
