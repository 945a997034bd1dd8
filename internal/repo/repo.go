// Package repo is for the tools and tests that work from a checkout of
// Wuye: it finds the repository's root (the directory of wuye's go.mod)
// and copies directory trees, such as a data directory made once to serve
// as the template of many.
package repo

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Root finds the directory of wuye's go.mod from the working directory.
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	return RootFrom(dir)
}

// RootFrom finds the directory of wuye's go.mod from dir: dir itself or the
// nearest directory above it whose go.mod declares `module wuye`.
func RootFrom(dir string) (string, error) {
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.Contains(string(b), "module wuye\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the wuye module (no go.mod with `module wuye` above the working directory)")
		}
		dir = parent
	}
}

// CopyDir copies the directory tree src to dst: its directories (made with
// mode 0755) and regular files, each with its permission bits; anything
// else (a symbolic link, a socket) is left out. Files already in dst are
// overwritten.
func CopyDir(src, dst string) error {
	return filepath.Walk(src, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		return copyFile(path, target, info.Mode().Perm())
	})
}

func copyFile(src, dst string, perm os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
