package workcal

import (
	"slices"
	"sync"

	"github.com/6tail/lunar-go/HolidayUtil"
)

// Builtin returns the State Council holiday schedules (国务院办公厅关于部分节假日
// 安排的通知) as carried by github.com/6tail/lunar-go's HolidayUtil, pinned at
// v1.4.7: every year it has, from the make-up days of 2001-12-29 (for New
// Year 2002) up to and including 2027. Refresh it by bumping lunar-go once a
// new year's notice is out (usually in November); until then, enter the year
// as overrides.
//
// Every day of each break is listed, weekend days included, so that DayInfo
// can name them; entries are sorted by date and each Day is named after its
// festival the way lunar-go names it (元旦节, 春节, 国庆中秋 …). Note that 2001
// counts as scheduled although only its two make-up days for New Year 2002
// are known.
//
// The data is read from lunar-go once and the result is copied on each call,
// so callers may modify it, and a later HolidayUtil.Fix elsewhere in the
// program does not change it.
func Builtin() []Day {
	return slices.Clone(builtin())
}

// lunar-go's data starts on 2001-12-29; scanning to 2100 picks up whatever
// later years a newer lunar-go adds, with no code change.
const firstBuiltinYear, lastBuiltinYear = 2001, 2100

var builtin = sync.OnceValue(func() []Day {
	var days []Day
	for year := firstBuiltinYear; year <= lastBuiltinYear; year++ {
		for e := HolidayUtil.GetHolidaysByYear(year).Front(); e != nil; e = e.Next() {
			h := e.Value.(*HolidayUtil.Holiday)
			kind := Holiday
			if h.IsWork() {
				kind = Workday
			}
			days = append(days, Day{Date: h.GetDay(), Kind: kind, Name: h.GetName()})
		}
	}
	return days
})
