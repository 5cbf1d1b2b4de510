# Sourced by ./mvnw, ./ferry and .ci/run: exports JAVA_HOME (and PATH) for a JDK >= 21.
# The default `java` on these machines may be 17, so look for a newer one rather than fail.
ferry_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}

ferry_pick_jdk() {
  for candidate in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/*/ /opt/java/*/ 2>/dev/null | sort -rV) \
      "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    candidate=${candidate%/}
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(ferry_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      JAVA_HOME=$candidate
      export JAVA_HOME
      PATH="$JAVA_HOME/bin:$PATH"
      export PATH
      return 0
    fi
  done
  echo "ferry: no JDK 21 or newer found (looked at JAVA_HOME, /usr/lib/jvm, /opt/java and java on PATH)" >&2
  return 1
}
