package importer

import (
	"fmt"
	"strings"
)

// Type is the kind of value a column holds.
type Type int

const (
	TypeText Type = iota
	TypeInt
	TypeNumber
	TypeMoney // yuan in the sheet, integer fen once read
	TypeDate
	TypePeriod
	TypePhone
	TypeChoice
)

// Column is one column of an import: the field it fills (Key), its header
// in both languages (and other headers taken for it), whether a row must
// fill it, its type and, for the template's second sheet, what it holds.
type Column struct {
	Key      string
	Zh, En   string
	Aliases  []string
	Required bool
	Type     Type
	Max      int // characters of a text cell
	Choices  []Choice
	Help     Text
	Example  string
}

// Header is the column's header as the template writes it.
func (c Column) Header() string { return c.Zh }

// Kind is one kind of import: its name, title and columns.
type Kind struct {
	Name    string
	Title   Text
	Columns []Column
}

// Column finds the column of kind with key.
func (k Kind) Column(key string) Column {
	for _, c := range k.Columns {
		if c.Key == key {
			return c
		}
	}
	panic("importer: no column " + key + " in " + k.Name)
}

// Problem is what is wrong with one cell (or a row, Column empty, or the
// header, Row 1).
type Problem struct {
	Row    int
	Column Text
	Text   Text
}

// Message is the problem as a clerk reads it: "第 12 行 面积：不是数字".
func (p Problem) Message(lang string) string {
	if lang == "en" {
		if p.Column.En == "" {
			return fmt.Sprintf("Row %d: %s", p.Row, p.Text.En)
		}
		return fmt.Sprintf("Row %d, %s: %s", p.Row, p.Column.En, p.Text.En)
	}
	if p.Column.Zh == "" {
		return fmt.Sprintf("第 %d 行：%s", p.Row, p.Text.Zh)
	}
	return fmt.Sprintf("第 %d 行 %s：%s", p.Row, p.Column.Zh, p.Text.Zh)
}

// Row is one data row read: its number in the sheet and its values by
// column key — string (text, date YYYY-MM-DD, period, phone, choice code),
// int64 (whole numbers, money in fen) or float64 (numbers). An empty
// optional cell has no value.
type Row struct {
	N      int
	Values map[string]any
}

// Str is the row's value of key as a string ("" when empty).
func (r Row) Str(key string) string {
	s, _ := r.Values[key].(string)
	return s
}

// Has reports whether the row has a value for key.
func (r Row) Has(key string) bool { _, ok := r.Values[key]; return ok }

// Int64 is the row's whole-number (or money) value of key.
func (r Row) Int64(key string) int64 { n, _ := r.Values[key].(int64); return n }

// Float is the row's number value of key.
func (r Row) Float(key string) float64 { f, _ := r.Values[key].(float64); return f }

// normalize makes a header comparable: no spaces, no "*" marking a
// required column, full-width brackets as half-width, lower case.
func normalize(h string) string {
	h = strings.NewReplacer(" ", "", "\u3000", "", "*", "", "（", "(", "）", ")", "：", "", ":", "").Replace(h)
	return strings.ToLower(strings.TrimSpace(h))
}

// Map matches the header to the kind's columns: by Chinese header, English
// header or an alias. It answers the column index of each key found, or a
// single problem naming every unknown header and every missing required
// column.
func (k Kind) Map(header []string) (map[string]int, *Problem) {
	idx := map[string]int{}
	var unknown, dup []string
	for i, h := range header {
		if strings.TrimSpace(h) == "" {
			continue
		}
		n := normalize(h)
		found := false
		for _, c := range k.Columns {
			names := append([]string{c.Zh, c.En, c.Key}, c.Aliases...)
			for _, name := range names {
				if normalize(name) == n {
					found = true
					if _, seen := idx[c.Key]; seen {
						dup = append(dup, h)
					} else {
						idx[c.Key] = i
					}
					break
				}
			}
			if found {
				break
			}
		}
		if !found {
			unknown = append(unknown, h)
		}
	}
	var missing, missingEn []string
	for _, c := range k.Columns {
		if _, ok := idx[c.Key]; c.Required && !ok {
			missing, missingEn = append(missing, c.Zh), append(missingEn, c.En)
		}
	}
	if len(unknown) == 0 && len(missing) == 0 && len(dup) == 0 {
		return idx, nil
	}
	var zh, en []string
	if len(missing) > 0 {
		zh = append(zh, "缺少必填列“"+strings.Join(missing, "”“")+"”")
		en = append(en, "missing required column(s) "+strings.Join(missingEn, ", "))
	}
	if len(unknown) > 0 {
		zh = append(zh, "不认识的列“"+strings.Join(unknown, "”“")+"”")
		en = append(en, "unknown column(s) "+strings.Join(unknown, ", "))
	}
	if len(dup) > 0 {
		zh = append(zh, "重复的列“"+strings.Join(dup, "”“")+"”")
		en = append(en, "repeated column(s) "+strings.Join(dup, ", "))
	}
	return nil, &Problem{Row: 1, Column: Text{"表头", "Header"}, Text: Text{
		strings.Join(zh, "；") + "。请使用“" + k.Title.Zh + "”模板的表头。",
		strings.Join(en, "; ") + ". Use the header of the " + k.Title.En + " template.",
	}}
}

// Parse reads the table's rows as kind: each cell typed, every problem
// reported. Rows with a problem are left out of the rows answered.
func (k Kind) Parse(t *Table) ([]Row, []Problem) {
	idx, p := k.Map(t.Header)
	if p != nil {
		return nil, []Problem{*p}
	}
	var rows []Row
	var problems []Problem
	for _, line := range t.Rows {
		row := Row{N: line.N, Values: map[string]any{}}
		ok := true
		for _, c := range k.Columns {
			i, present := idx[c.Key]
			cell := ""
			if present && i < len(line.Cells) {
				cell = line.Cells[i]
			}
			if cell == "" {
				if c.Required {
					problems = append(problems, Problem{line.N, Text{c.Zh, c.En}, Text{"必须填写", "Required."}})
					ok = false
				}
				continue
			}
			v, bad := c.Read(cell)
			if bad != nil {
				problems = append(problems, Problem{line.N, Text{c.Zh, c.En}, *bad})
				ok = false
				continue
			}
			row.Values[c.Key] = v
		}
		if ok {
			rows = append(rows, row)
		}
	}
	return rows, problems
}

// Read parses one non-empty cell of the column.
func (c Column) Read(cell string) (any, *Text) {
	switch c.Type {
	case TypeInt:
		return unwrap(Int(cell))
	case TypeNumber:
		return unwrap(Number(cell))
	case TypeMoney:
		return unwrap(Money(cell))
	case TypeDate:
		return unwrap(Date(cell))
	case TypePeriod:
		return unwrap(Period(cell))
	case TypePhone:
		return unwrap(Phone(cell))
	case TypeChoice:
		return unwrap(Pick(cell, c.Choices))
	}
	return unwrap(TextCell(cell, c.Max))
}

func unwrap[T any](v T, p *Text) (any, *Text) {
	if p != nil {
		return nil, p
	}
	return v, nil
}
