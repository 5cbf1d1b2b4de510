package dev.ferry.external;

import dev.ferry.api.PrCheckOutput.TestCounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Reads the JUnit XML reports ({@code TEST-*.xml}, as Maven Surefire, Gradle and most JUnit runners
 * write them) a check left anywhere in its checkout.
 */
final class JUnitReports {

  private static final int MAX_DEPTH = 10;

  private JUnitReports() {}

  /** The counts over every report under {@code root}; null when there is none. */
  static TestCounts read(Path root) {
    List<Path> reports;
    try (Stream<Path> paths = Files.walk(root, MAX_DEPTH)) {
      reports =
          paths
              .filter(p -> !p.toString().contains("/.git/"))
              .filter(
                  p -> {
                    String name = p.getFileName().toString();
                    return name.startsWith("TEST-") && name.endsWith(".xml");
                  })
              .sorted()
              .toList();
    } catch (IOException | java.io.UncheckedIOException e) {
      return null;
    }
    if (reports.isEmpty()) {
      return null;
    }
    int total = 0;
    int failed = 0;
    int skipped = 0;
    List<String> failing = new ArrayList<>();
    DocumentBuilder parser = parser();
    for (Path report : reports) {
      NodeList cases;
      try {
        cases = parser.parse(report.toFile()).getElementsByTagName("testcase");
      } catch (Exception e) {
        // A half-written report (the command was killed) counts as no report.
        continue;
      }
      for (int i = 0; i < cases.getLength(); i++) {
        Element testCase = (Element) cases.item(i);
        total++;
        if (has(testCase, "failure") || has(testCase, "error")) {
          failed++;
          if (failing.size() < TestCounts.MAX_NAMES) {
            String className = testCase.getAttribute("classname");
            String simple = className.substring(className.lastIndexOf('.') + 1);
            failing.add((simple.isEmpty() ? "" : simple + ".") + testCase.getAttribute("name"));
          }
        } else if (has(testCase, "skipped")) {
          skipped++;
        }
      }
    }
    return new TestCounts(total, failed, skipped, failing);
  }

  private static boolean has(Element element, String child) {
    return element.getElementsByTagName(child).getLength() > 0;
  }

  private static DocumentBuilder parser() {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      // Reports come from the checked-out code: no external entities.
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return factory.newDocumentBuilder();
    } catch (javax.xml.parsers.ParserConfigurationException e) {
      throw new IllegalStateException("the JDK's XML parser cannot be configured", e);
    }
  }
}
