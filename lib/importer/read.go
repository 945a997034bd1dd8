// Package importer reads the spreadsheets an office loads its estate from
// (docs/DESIGN.md, "Import"): an .xlsx workbook or a .csv file in UTF-8 or
// GBK (the encoding of the old systems' exports), whose first row is the
// header. It maps the columns by their Chinese header (English headers are
// accepted too), parses each cell into its type — money, dates, phones,
// numbers, choices by their Chinese label — and reports every problem by
// the row and column the clerk sees in Excel ("第 12 行 面积：不是数字").
// It knows nothing of the database: the hooks look the rows up against
// the records and write them.
package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Limits of one file: larger estates are imported building by building.
const (
	MaxBytes = 10 << 20 // 10 MiB
	MaxRows  = 20_000   // data rows, the header not counted
	// MaxCell and MaxText bound what a file decodes to, whatever its size
	// on disk: an .xlsx cell may repeat one shared string of a megabyte in
	// every cell, and a zipped sheet may unzip a hundredfold. No template
	// column takes more than a few hundred characters.
	MaxCell  = 2000     // bytes of one cell
	MaxText  = 32 << 20 // bytes of all cells
	maxUnzip = 64 << 20 // bytes an .xlsx may unzip to
)

// Table is a sheet as read: its header and its data rows, each with the
// row number Excel shows for it (the header is row 1).
type Table struct {
	Header []string
	Rows   []Line
	text   int // bytes read so far (MaxText)
}

// Line is one data row: its cells and its number in the sheet.
type Line struct {
	N     int
	Cells []string
}

// ErrTooBig, ErrTooManyRows, ErrEmpty and ErrUnreadable are the file-level
// refusals; Text gives their words for a clerk.
var (
	ErrTooBig      = errors.New("file too big")
	ErrTooManyRows = errors.New("too many rows")
	ErrEmpty       = errors.New("no header row")
	ErrUnreadable  = errors.New("not a readable .xlsx or .csv file")
	ErrCellTooLong = errors.New("a cell too long")
)

// FileError words a file-level refusal in both languages.
func FileError(err error) Text {
	switch {
	case errors.Is(err, ErrTooBig):
		return Text{"文件太大（上限 10 MB）：请按楼栋分成几个文件导入", "The file is too big (10 MB at most): split it by building."}
	case errors.Is(err, ErrTooManyRows):
		return Text{"行数太多（上限 20000 行）：请按楼栋分成几个文件导入", "Too many rows (20,000 at most): split the file by building."}
	case errors.Is(err, ErrCellTooLong):
		return Text{"文件中有单元格内容过长（每格最多约 600 个汉字）：请检查是否粘贴了多余内容", "A cell of the file is too long (about 2,000 characters at most): check for pasted extra text."}
	case errors.Is(err, ErrEmpty):
		return Text{"文件是空的：第 1 行应为表头（请从模板开始填写）", "The file is empty: row 1 must be the header (start from the template)."}
	}
	return Text{"无法读取文件：请上传 .xlsx 或 .csv 文件（可从模板开始填写）", "The file cannot be read: upload an .xlsx or .csv file (start from the template)."}
}

// Read reads the first sheet of an .xlsx workbook, or a .csv file, named
// name. Rows with nothing in them are skipped (their numbers are not
// reused, so the numbers stay those of the sheet).
func Read(name string, data []byte) (*Table, error) {
	if len(data) > MaxBytes {
		return nil, ErrTooBig
	}
	lower := strings.ToLower(name)
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) || strings.HasSuffix(lower, ".xlsx") {
		return readXLSX(data)
	}
	return ReadCSV(data)
}

func readXLSX(data []byte) (*Table, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnzip})
	if err != nil {
		return nil, ErrUnreadable
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, ErrEmpty
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, ErrUnreadable
	}
	defer rows.Close()
	t := &Table{}
	n := 0
	for rows.Next() {
		n++
		// Raw values: a date cell comes as its serial number (parsed by
		// Date), a number as typed, never as the cell's display format.
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, ErrUnreadable
		}
		if err := t.add(n, cells); err != nil {
			return nil, err
		}
	}
	if t.Header == nil {
		return nil, ErrEmpty
	}
	return t, nil
}

// ReadCSV reads a CSV file in UTF-8 (with or without a byte-order mark) or,
// when it is not valid UTF-8, GBK.
func ReadCSV(data []byte) (*Table, error) {
	if len(data) > MaxBytes {
		return nil, ErrTooBig
	}
	data = Decode(data)
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	t := &Table{}
	n := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, ErrUnreadable
		}
		n++ // a record is one row in Excel, quoted line breaks or not
		if err := t.add(n, rec); err != nil {
			return nil, err
		}
	}
	if t.Header == nil {
		return nil, ErrEmpty
	}
	return t, nil
}

// Decode makes a text file UTF-8: a UTF-8 byte-order mark is dropped, valid
// UTF-8 is kept, anything else is read as GBK (GB18030, its superset).
func Decode(data []byte) []byte {
	if b, ok := bytes.CutPrefix(data, []byte("\xef\xbb\xbf")); ok {
		return b
	}
	if utf8.Valid(data) {
		return data
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil {
		return data
	}
	return out
}

func (t *Table) add(n int, cells []string) error {
	empty := true
	for i, c := range cells {
		if len(c) > MaxCell {
			return ErrCellTooLong
		}
		if t.text += len(c); t.text > MaxText {
			return ErrTooBig
		}
		cells[i] = strings.TrimSpace(c)
		if cells[i] != "" {
			empty = false
		}
	}
	if empty {
		return nil
	}
	if t.Header == nil {
		t.Header = cells
		return nil
	}
	if len(t.Rows) >= MaxRows {
		return ErrTooManyRows
	}
	t.Rows = append(t.Rows, Line{N: n, Cells: cells})
	return nil
}
