#!/usr/bin/env python3
"""Writes a synthetic JUnit XML file to benchmark the JUnit parser.

Usage: bench/junit/gen.py [--size MB | --testcases N] [--seed S] OUT

The file looks like a big Surefire/Gradle run: suites of 50 testcases with
properties, a timestamp and suite-level CDATA output; every testcase has a
time; 5% of them fail with a Java stack trace (entities in the message and
the body) and CDATA system-out.  The same arguments give the same bytes.
"""
import argparse
import random
import sys

FRAMES = [
    "org.junit.Assert.fail(Assert.java:89)",
    "org.junit.Assert.assertEquals(Assert.java:146)",
    "com.example.service.OrderServiceTest.check(OrderServiceTest.java:{n})",
    "java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)",
    "java.base/java.lang.reflect.Method.invoke(Method.java:568)",
    "org.junit.runners.model.FrameworkMethod$1.runReflectiveCall(FrameworkMethod.java:59)",
    "org.junit.internal.runners.statements.InvokeMethod.evaluate(InvokeMethod.java:17)",
    "org.junit.runners.ParentRunner.runLeaf(ParentRunner.java:366)",
]


def failure(rng, i):
    depth = rng.randint(12, 40)
    lines = ["java.lang.AssertionError: expected:&lt;%d&gt; but was:&lt;%d&gt;"
             % (i, i + 1)]
    for d in range(depth):
        lines.append("\tat " + FRAMES[d % len(FRAMES)].format(n=100 + d))
    return ('      <failure message="expected:&lt;%d&gt; but was:&lt;%d&gt;" '
            'type="java.lang.AssertionError">%s</failure>\n'
            % (i, i + 1, "\n".join(lines)))


def output(rng, i):
    lines = ["%05d INFO  [main] step %d of test %d: state=&<ok>" % (k, k, i)
             for k in range(rng.randint(5, 30))]
    return "      <system-out><![CDATA[%s]]></system-out>\n" % "\n".join(lines)


def suite(out, rng, s, ncases, first):
    out.write('  <testsuite name="com.example.pkg%d.Suite%dTest" tests="%d" '
              'failures="0" errors="0" time="%.3f" '
              'timestamp="2024-05-01T12:%02d:%02d" hostname="ci-runner-7">\n'
              % (s % 40, s, ncases, rng.uniform(1, 90), s % 60, s % 59))
    out.write("    <properties>\n")
    for k in range(6):
        out.write('      <property name="java.prop.%d" value="v%d &amp; '
                  'more"/>\n' % (k, s))
    out.write("    </properties>\n")
    for i in range(first, first + ncases):
        out.write('    <testcase name="test_case_%d[param=&quot;%d&quot;]" '
                  'classname="com.example.pkg%d.Suite%dTest" time="%.3f"'
                  % (i, i % 7, s % 40, s, rng.expovariate(10)))
        if rng.random() < 0.05:
            out.write(">\n" + failure(rng, i) + output(rng, i)
                      + "    </testcase>\n")
        else:
            out.write("/>\n")
    out.write("    <system-out><![CDATA[suite %d finished]]></system-out>\n"
              "  </testsuite>\n" % s)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--size", type=float, default=100,
                    help="approximate size in MB (default 100)")
    ap.add_argument("--testcases", type=int, default=0,
                    help="number of testcases (overrides --size)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    limit = args.size * 1e6
    with open(args.out, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n')
        s = n = 0
        while (n < args.testcases if args.testcases else out.tell() < limit):
            count = 50 if not args.testcases else min(50, args.testcases - n)
            suite(out, rng, s, count, n)
            s += 1
            n += count
        out.write("</testsuites>\n")
    print("%s: %d testcases in %d suites" % (args.out, n, s), file=sys.stderr)


if __name__ == "__main__":
    main()
