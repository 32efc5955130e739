package org.tasksync.adapter.jdbccrm;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * The vendors' JDBC drivers resolve, register for their URLs, and the product names they report
 * pick the right dialect. No server runs here, so the names are the documented ones: "Microsoft
 * SQL Server" (Microsoft JDBC Driver for SQL Server, SQLServerDatabaseMetaData) and "Oracle"
 * (Oracle JDBC, OracleDatabaseMetaData); the CRM probe prints the name a real server reports.
 */
class VendorDriverTest {

    @Test
    void theSqlServerDriverTakesItsUrlsAndItsProductNamePicksTheSqlServerDialect() throws SQLException {
        Driver driver = DriverManager.getDriver("jdbc:sqlserver://crm-db:1433;databaseName=crm;encrypt=true");
        assertThat(driver.getClass().getName()).isEqualTo("com.microsoft.sqlserver.jdbc.SQLServerDriver");
        assertThat(driver.getMajorVersion()).isGreaterThanOrEqualTo(12);

        assertThat(CrmDialect.ofProduct("Microsoft SQL Server", "13.00.6300")).isEqualTo(CrmDialect.SQLSERVER);
        assertThat(CrmDialect.SQLSERVER.productName()).isEqualTo("Microsoft SQL Server");
    }

    @Test
    void theOracleDriverTakesItsUrlsAndItsProductNamePicksTheOracleDialect() throws SQLException {
        Driver driver = DriverManager.getDriver("jdbc:oracle:thin:@//crm-db:1521/CRM");
        assertThat(driver.getClass().getName()).isEqualTo("oracle.jdbc.OracleDriver");
        assertThat(driver.getMajorVersion()).isGreaterThanOrEqualTo(21);

        assertThat(CrmDialect.ofProduct("Oracle", "Oracle Database 19c Enterprise Edition Release 19.0.0.0.0"))
                .isEqualTo(CrmDialect.ORACLE);
        assertThat(CrmDialect.ORACLE.productName()).isEqualTo("Oracle");
    }
}
