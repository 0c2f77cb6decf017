package dev.earlybird.source.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalDouble;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InstanceClassesTest {
  @ParameterizedTest
  @CsvSource({
      "db.r6g.large, 2", "db.r6g.xlarge, 4", "db.r6g.2xlarge, 8", "db.m6i.4xlarge, 16", "db.r5.8xlarge, 32",
      "db.r6i.12xlarge, 48", "db.r7g.16xlarge, 64", "db.r5.24xlarge, 96", "db.r6i.32xlarge, 128",
      "db.t3.medium, 2", "db.t4g.micro, 2", "db.t4g.small, 2", "db.x2g.2xlarge, 8", "db.r6gd.xlarge, 4"})
  void theSizeGivesTheVcpus(String instanceClass, double vcpus) {
    assertThat(InstanceClasses.vcpus(instanceClass)).hasValue(vcpus);
  }

  @ParameterizedTest
  @CsvSource({"db.serverless", "db.m5.metal", "db.r6g", "r6g.large", "db.r6g.hugexlarge"})
  void serverlessMetalAndUnknownClassesHaveNone(String instanceClass) {
    assertThat(InstanceClasses.vcpus(instanceClass)).isEqualTo(OptionalDouble.empty());
  }
}
