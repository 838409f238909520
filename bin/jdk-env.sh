# Sourced by ./mvnw and bin/comfy4j: makes a JDK 25 the one on PATH.
# Uses JAVA_HOME when set; otherwise, when the default java is older than 25, looks for a JDK 25+
# among the machine's installed JDKs (Debian-style machines keep a second JDK under /usr/lib/jvm).
java_major() { "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1; }

if [ -z "${JAVA_HOME:-}" ]; then
  current=$(command -v java >/dev/null 2>&1 && java_major java || echo 0)
  if [ "${current:-0}" -lt 25 ]; then
    for candidate in /usr/lib/jvm/*25* /usr/lib/jvm/*; do
      major=$( [ -x "$candidate/bin/java" ] && java_major "$candidate/bin/java" || echo 0)
      if [ "${major:-0}" -ge 25 ]; then export JAVA_HOME="$candidate"; break; fi
    done
  fi
fi
if [ -n "${JAVA_HOME:-}" ]; then export PATH="$JAVA_HOME/bin:$PATH"; fi
